/**
 * CPU time a process has used (all its threads, user + system), read from
 * Linux's /proc. On a shared machine a proxy's wall-clock rate swings with
 * its neighbours' load; the CPU it spends per byte or per request does not.
 */
import { readFileSync } from "node:fs";

/** /proc reports times in USER_HZ ticks, which Linux fixes at 100 per second for user space. */
const MS_PER_TICK = 10;

/** Milliseconds of CPU used by `pid` so far; NaN where /proc cannot tell (another OS, process gone). */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name (which may hold spaces); utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return Number.NaN;
  }
}
