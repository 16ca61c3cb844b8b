import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

/** How a child process ended. */
export interface ChildExit {
  /** null when it was killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Killed because it outlived `timeoutMs` or `signal` aborted. */
  killed: boolean;
  stdout: string;
  durationMs: number;
}

export interface ChildOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** stdout and stderr both go here; stdout is also returned. */
  logPath: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Grace between SIGTERM and SIGKILL of the child's process group: time for the scenarios' teardown to stop their servers. */
const KILL_GRACE_MS = 15_000;

/**
 * Runs a command in a process group of its own, so that a timeout or Ctrl-C
 * can stop it together with everything it started (Postgres, S3 server,
 * pipeline children).
 */
export function runChild(command: string, args: readonly string[], options: ChildOptions): Promise<ChildExit> {
  const started = performance.now();
  if (options.signal?.aborted) return Promise.resolve({ exitCode: null, signal: null, killed: true, stdout: "", durationMs: 0 });
  const log = createWriteStream(options.logPath);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let killed = false;
    let hardKill: NodeJS.Timeout | undefined;
    const killGroup = () => {
      if (killed || child.pid === undefined) return;
      killed = true;
      signalGroup(child.pid, "SIGTERM");
      hardKill = setTimeout(() => signalGroup(child.pid!, "SIGKILL"), KILL_GRACE_MS);
    };
    const timer = setTimeout(killGroup, options.timeoutMs);
    options.signal?.addEventListener("abort", killGroup, { once: true });
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      log.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => log.write(chunk));
    child.on("error", reject);
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      clearTimeout(hardKill);
      options.signal?.removeEventListener("abort", killGroup);
      // Whatever the group leader left behind goes with it.
      if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      log.end(() => resolve({ exitCode, signal, killed, stdout, durationMs: performance.now() - started }));
    });
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}
