import { createFaultHandle, effectSeen, FaultParameterError, nonNegative, type FaultHandle, type DownOptions, type PauseOptions } from "../core/index.ts";
import type { ContainerDownOutcome, ServiceContainer } from "./service-container.ts";

/**
 * Process faults as container operations. Kinds and observations match the
 * embedded environment's signals (`process/kill` with `pid`, `restartedPid`,
 * `downMs`, `readyAfterMs`…), so journals compare across environments; the
 * container's ID and the state the engine reported are added.
 */

/** `docker kill` (SIGKILL); removal starts the container again on the same filesystem unless told otherwise. */
export function killContainer(target: ServiceContainer, options: DownOptions = {}): Promise<FaultHandle> {
  return takeDown(target, "process/kill", () => target.kill(), options);
}

/** `docker stop` (the image's stop signal, then SIGKILL after a grace period); same observations as {@link killContainer}. */
export function stopContainer(target: ServiceContainer, options: DownOptions = {}): Promise<FaultHandle> {
  return takeDown(target, "process/stop", () => target.gracefulStop(), options);
}

async function takeDown(target: ServiceContainer, kind: string, down: () => Promise<ContainerDownOutcome>, options: DownOptions): Promise<FaultHandle> {
  await requireRunning(target);
  const outcome = await down();
  return createFaultHandle(
    { kind, cause: "equipment-failure", target: target.name, parameters: { restartOnRemove: options.restartOnRemove ?? true } },
    {
      container: target.shortId,
      pid: outcome.pid,
      signal: outcome.signal,
      state: outcome.state.status,
      exitCode: outcome.state.exitCode,
    },
    async () => {
      if (options.restartOnRemove === false || target.isRemoved || (await target.state()).running) return {};
      const restarted = await target.restart();
      return { restartedPid: restarted.pid, readyAfterMs: restarted.readyAfterMs, downMs: performance.now() - outcome.at };
    },
    effectSeen("the engine reports the container exited", outcome.at),
  );
}

/**
 * `docker pause`: the container is frozen, its connections stay open and
 * nothing answers, until removal (or `durationMs`) unpauses it.
 * Observations: `container`, `pid`, `state` ("paused"), `pausedMs` once resumed.
 */
export async function pauseContainer(target: ServiceContainer, options: PauseOptions = {}): Promise<FaultHandle> {
  if (options.durationMs !== undefined) nonNegative(options.durationMs, "durationMs");
  await requireRunning(target);
  const paused = await target.pause();
  const state = await target.state();
  let timer: NodeJS.Timeout | undefined;
  const handle = createFaultHandle(
    { kind: "process/pause", cause: "equipment-failure", target: target.name, parameters: { ...options } },
    { container: target.shortId, pid: paused.pid, state: state.status },
    async () => {
      clearTimeout(timer);
      if (!target.isRemoved && (await target.state()).paused) await target.resume();
      return { pausedMs: performance.now() - paused.at };
    },
    effectSeen("the engine reports the container paused", paused.at),
  );
  if (options.durationMs !== undefined) timer = setTimeout(() => void handle.remove().catch(() => undefined), options.durationMs);
  return handle;
}

async function requireRunning(target: ServiceContainer): Promise<void> {
  const state = await target.state();
  if (!state.running || state.paused) throw new FaultParameterError("target", `${target.name} is not running (container ${target.shortId} is ${state.status})`);
}
