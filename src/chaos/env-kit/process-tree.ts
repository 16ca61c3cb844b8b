import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
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

/**
 * Whether `pid`, a process this user started, is still live (a zombie awaiting
 * its reaper counts as gone). A PID this user may not signal (EPERM) belongs to
 * another user's process now, so ours is gone too; the orphan sweeper asks the
 * opposite question (may anyone still own this directory?) and counts it live.
 */
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

/** How long a whole process tree may take to stop or continue after its signal. */
export const TREE_SIGNAL_TIMEOUT_MS = 10_000;
/** Pause between looks at /proc while waiting for a tree: the effect is stamped at most this late. */
const TREE_POLL_INTERVAL_MS = 5;

/** The state letter of `pid` (R running, S sleeping, D disk wait, T stopped, Z zombie…); undefined once it is gone. */
export function processState(pid: number): string | undefined {
  if (!existsSync("/proc/self/stat")) {
    try {
      return (
        execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" })
          .trim()
          .charAt(0) || undefined
      );
    } catch {
      return undefined;
    }
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2);
  } catch {
    return undefined;
  }
}

/** A process that can still run: not stopped (T, t), not a zombie (Z) or dead (X), not gone. */
function canRun(state: string | undefined): boolean {
  return state !== undefined && !"TtZX".includes(state);
}

/**
 * SIGSTOPs `pid` and every descendant, and resolves with the monotonic time
 * at which all of them were seen stopped (state T). A signal is delivered
 * when its target is next scheduled, so right after kill() a process may
 * still be running; children forked meanwhile are found and stopped too.
 * The timeout error names the processes still running.
 */
export async function stopTree(pid: number, timeoutMs = TREE_SIGNAL_TIMEOUT_MS): Promise<number> {
  signalEach([pid], "SIGSTOP");
  return untilTree(
    pid,
    "stopped (state T)",
    timeoutMs,
    (running) => {
      signalEach(running, "SIGSTOP");
    },
    canRun,
  );
}

/** SIGCONTs every descendant and then `pid`, and resolves with the time at which none of them was stopped any more. */
export async function continueTree(pid: number, timeoutMs = TREE_SIGNAL_TIMEOUT_MS): Promise<number> {
  signalEach([...descendantPids(pid), pid], "SIGCONT");
  return untilTree(
    pid,
    "running again (no longer in state T)",
    timeoutMs,
    (stopped) => {
      signalEach(stopped, "SIGCONT");
    },
    (state) => state === "T" || state === "t",
  );
}

async function untilTree(
  pid: number,
  goal: string,
  timeoutMs: number,
  nudge: (pids: number[]) => void,
  pending: (state: string | undefined) => boolean,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    const left = [pid, ...descendantPids(pid)].map((each) => ({ pid: each, state: processState(each) })).filter((each) => pending(each.state));
    if (left.length === 0) return performance.now();
    const elapsedMs = performance.now() - started;
    if (elapsedMs >= timeoutMs) {
      const named = left.map((each) => `${each.pid} (state ${each.state})`).join(", ");
      throw new Error(`timed out after ${Math.round(elapsedMs)} ms waiting for the process tree of ${pid} to be ${goal}; not yet: ${named}`);
    }
    nudge(left.map((each) => each.pid));
    await new Promise((resolve) => setTimeout(resolve, TREE_POLL_INTERVAL_MS));
  }
}
