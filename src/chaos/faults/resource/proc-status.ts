import { readFile } from "node:fs/promises";

/**
 * Resident set size of a process in bytes, as the kernel accounts it
 * (VmRSS in /proc/<pid>/status): measured from outside, so a child cannot
 * claim memory it does not hold. Undefined off Linux or once the process is gone.
 */
export async function residentBytes(pid: number): Promise<number | undefined> {
  if (process.platform !== "linux") return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kibibytes = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kibibytes === undefined ? undefined : Number(kibibytes) * 1024;
  } catch {
    return undefined;
  }
}

/** Whether a process with this PID exists (and has not been reaped). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
