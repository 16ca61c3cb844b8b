import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { waitFor } from "../core/index.ts";

/**
 * PIDs of every descendant of `pid` (children, grandchildren…). PostgreSQL
 * backends call setsid(), so signalling the postmaster's process group does
 * not reach them: faults that must hit a whole server signal this list.
 */
export function descendantPids(pid: number): number[] {
  const parentOf = readParents();
  const children = new Map<number, number[]>();
  for (const [child, parent] of parentOf) children.set(parent, [...(children.get(parent) ?? []), child]);
  const result: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    result.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return result;
}

function readParents(): Map<number, number> {
  const parents = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    for (const line of execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" }).split("\n")) {
      const [child, parent] = line.trim().split(/\s+/).map(Number);
      if (child !== undefined && parent !== undefined && Number.isInteger(child)) parents.set(child, parent);
    }
    return parents;
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  return parents;
}

/** Sends `signal` to each PID, ignoring those already gone. */
export function signalEach(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Whether `pid` is a live process (a zombie awaiting its reaper counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** Waits until none of `pids` is left. */
export async function waitForAllGone(pids: readonly number[], timeoutMs = 10_000): Promise<void> {
  await waitFor(async () => pids.every((pid) => !isAlive(pid)), {
    description: `processes ${pids.join(", ")} to exit`,
    timeoutMs,
    intervalMs: 20,
  });
}
