import type { ChildProcess } from "node:child_process";

/**
 * Every child process an environment starts, so that none outlives this
 * process: on exit they get SIGKILL, and on SIGINT/SIGTERM the registered
 * cleanups run first (stopping servers gracefully) before the process exits.
 */
const children = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<void>>();
let hooked = false;
let appHandlers = 0;

/**
 * Declares that the application handles SIGINT/SIGTERM itself (e.g. aborts a
 * run, stops its environments in order and reports). The registry's own
 * cleanups then wait for a grace period before stepping in. Returns the undo.
 */
export function deferInterruptsToApp(): () => void {
  hookProcessExit();
  appHandlers++;
  let undone = false;
  return () => {
    if (!undone) appHandlers--;
    undone = true;
  };
}

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

/** Grace an application that handles the signal itself gets to stop what it started, before the cleanups run anyway. */
const APP_SHUTDOWN_GRACE_MS = 10_000;

function hookProcessExit(): void {
  if (hooked) return;
  hooked = true;
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      const exitCode = signal === "SIGINT" ? 130 : 143;
      const cleanUpAndExit = () => {
        const pending = [...cleanups].map((cleanup) => cleanup().catch(() => undefined));
        const deadline = setTimeout(() => process.exit(exitCode), APP_SHUTDOWN_GRACE_MS);
        deadline.unref();
        void Promise.all(pending).finally(() => {
          killAll();
          process.exit(exitCode);
        });
      };
      // The application listens too (e.g. to abort a run and report it): let it stop its
      // environments in order, and step in only if it has not exited within the grace period.
      if (appHandlers > 0) setTimeout(cleanUpAndExit, APP_SHUTDOWN_GRACE_MS).unref();
      else cleanUpAndExit();
    });
  }
}
