import type { ChildProcess } from "node:child_process";

/**
 * Every child process an environment starts, so that none outlives this
 * process: on exit they get SIGKILL, and on SIGINT/SIGTERM the registered
 * cleanups run first (stopping servers gracefully) before the process exits.
 */
const children = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<void>>();
let hooked = false;

export function trackChild(child: ChildProcess): void {
  hookProcessExit();
  children.add(child);
  child.once("exit", () => children.delete(child));
}

/** Registers an async cleanup to run on Ctrl-C/SIGTERM; returns its unregister function. */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  hookProcessExit();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        if (child.pid !== undefined) process.kill(child.pid, "SIGCONT");
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

function hookProcessExit(): void {
  if (hooked) return;
  hooked = true;
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      const pending = [...cleanups].map((cleanup) => cleanup().catch(() => undefined));
      const deadline = setTimeout(() => process.exit(130), 10_000);
      deadline.unref();
      void Promise.all(pending).finally(() => {
        killAll();
        process.exit(signal === "SIGINT" ? 130 : 143);
      });
    });
  }
}
