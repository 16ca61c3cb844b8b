import type { ChaosEnvironment } from "../core/index.ts";
import type { FaultAction } from "./fault-action.ts";

/** The variable that opts a non-local environment into chaos; its value must name the target exactly. */
export const ALLOW_TARGET_VARIABLE = "CHAOS_ALLOW_TARGET";

/** Limits every experiment is held to, wherever it runs. */
export interface BlastRadiusLimits {
  /** At most this many faults in effect at once. */
  maxConcurrentFaults: number;
  /** No fault may be planned to last longer than this. */
  maxFaultDurationMs: number;
}

export const DEFAULT_BLAST_RADIUS: BlastRadiusLimits = { maxConcurrentFaults: 3, maxFaultDurationMs: 5 * 60_000 };

/** Chaos was refused before anything was injected; the message says why and how to opt in. */
export class BlastRadiusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlastRadiusError";
  }
}

/**
 * Checks an experiment before it starts: faults against anything but this
 * machine's throwaway processes need `CHAOS_ALLOW_TARGET=<target>`, and the
 * method must stay within the limits (a fault with no duration counts as
 * lasting until the rollback, which the time limit bounds).
 */
export function checkBlastRadius(
  env: Pick<ChaosEnvironment, "isLocal" | "target">,
  method: readonly FaultAction[],
  timeLimitMs: number,
  limits: BlastRadiusLimits = DEFAULT_BLAST_RADIUS,
  allowTarget: string | undefined = process.env[ALLOW_TARGET_VARIABLE],
): void {
  if (!env.isLocal && allowTarget !== env.target) {
    throw new BlastRadiusError(
      `refusing to inject faults into ${env.target}: it is not the local embedded environment. ` +
        `Opt in explicitly with ${ALLOW_TARGET_VARIABLE}="${env.target}"` +
        (allowTarget ? ` (it is set to "${allowTarget}", which names another target)` : ""),
    );
  }
  if (method.length > limits.maxConcurrentFaults) {
    throw new BlastRadiusError(`the method has ${method.length} faults; at most ${limits.maxConcurrentFaults} may be in effect at once`);
  }
  for (const action of method) {
    const lasts = action.durationMs ?? timeLimitMs;
    if (lasts > limits.maxFaultDurationMs) {
      throw new BlastRadiusError(`fault "${action.name}" would last ${lasts} ms; the limit is ${limits.maxFaultDurationMs} ms`);
    }
  }
}
