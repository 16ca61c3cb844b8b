import { createFaultHandle, effectSeen, FaultParameterError, nonNegative, type FaultHandle, type DownOptions, type PauseOptions } from "../../core/index.ts";
import type { FaultableProcess } from "./faultable-process.ts";

/**
 * kill -9 of a server process (and its children), stamped once every one of
 * them is gone. Observations: the killed `pid`, `pidGoneAfterMs` (signal to
 * gone) and, once removed and restarted, `restartedPid`, `downMs` (kill to
 * accepting connections again) and `readyAfterMs` (restart to accepting).
 */
export async function killProcess(target: FaultableProcess, options: DownOptions = {}): Promise<FaultHandle> {
  return takeDown(target, "process/kill", () => target.kill(), options);
}

/** Orderly shutdown of a server process (SIGINT/SIGTERM as its own service manager would send); same observations as {@link killProcess}. */
export async function stopProcess(target: FaultableProcess, options: DownOptions = {}): Promise<FaultHandle> {
  return takeDown(target, "process/stop", () => target.gracefulStop(), options);
}

async function takeDown(target: FaultableProcess, kind: string, down: FaultableProcess["kill"], options: DownOptions): Promise<FaultHandle> {
  if (!target.isRunning) throw new FaultParameterError("target", `${target.name} is not running`);
  const outcome = await down();
  return createFaultHandle(
    { kind, cause: "equipment-failure", target: target.name, parameters: { restartOnRemove: options.restartOnRemove ?? true } },
    { pid: outcome.pid, signal: outcome.signal, pidGoneAfterMs: outcome.seenAt - outcome.at },
    async () => {
      if (options.restartOnRemove === false || target.isRunning) return {};
      const restarted = await target.restart();
      return { restartedPid: restarted.pid, readyAfterMs: restarted.readyAfterMs, downMs: performance.now() - outcome.at };
    },
    effectSeen("the process and its children gone", outcome.seenAt),
  );
}

/**
 * Freezes a server process with SIGSTOP: connections stay open but nothing
 * answers, as a hung machine or a long GC pause. Stamped once every process
 * of its tree is stopped. Removal (or `durationMs`) sends SIGCONT and waits
 * until none is stopped; observations: `pid`, `stoppedAfterMs` (signal to all
 * stopped), and `pausedMs` once resumed.
 */
export async function pauseProcess(target: FaultableProcess, options: PauseOptions = {}): Promise<FaultHandle> {
  if (options.durationMs !== undefined) nonNegative(options.durationMs, "durationMs");
  if (!target.isRunning) throw new FaultParameterError("target", `${target.name} is not running`);
  const paused = await target.pause();
  let timer: NodeJS.Timeout | undefined;
  const handle = createFaultHandle(
    { kind: "process/pause", cause: "equipment-failure", target: target.name, parameters: { ...options } },
    { pid: paused.pid, stoppedAfterMs: paused.seenAt - paused.at },
    async () => {
      clearTimeout(timer);
      if (!target.isRunning) return { pausedMs: performance.now() - paused.seenAt };
      const resumed = await target.resume();
      return { pausedMs: resumed.seenAt - paused.seenAt };
    },
    effectSeen("every process of the tree in state T", paused.seenAt),
  );
  if (options.durationMs !== undefined) timer = setTimeout(() => void handle.remove().catch(() => undefined), options.durationMs);
  return handle;
}
