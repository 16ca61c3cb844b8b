import { createFaultHandle, onInterrupt, untilEffect, waitFor, type FaultHandle } from "../core/index.ts";
import type { ResolvedAttack } from "./attack-spec.ts";
import { AttackWatcher, type StageTransition } from "./attack-watcher.ts";
import type { GremlinClient } from "./gremlin-client.ts";

/** What a Gremlin attack observed, enough to rebuild its timeline from the journal. */
export interface GremlinAttackObservations {
  /** Gremlin's id of the attack. */
  attackId: string;
  /** The targets, as opted into: `host:<id>` / `container:<id>`. */
  targets: string[];
  /** The command as sent. */
  command: { type: string; args: string[] };
  /** Every stage change seen, per execution (one per target). */
  transitions: StageTransition[];
  /** Create request to every execution seen Running. */
  runningAfterMs: number;
  /** Once removed: who ended it. `length`: Gremlin had ended it (its length ran out, or a shutdown completed) before the removal. */
  endedBy?: "halted" | "length";
  /** Once removed: halt request to every execution seen ended (absent when nothing was halted). */
  haltedAfterMs?: number;
  /** Once removed: `client: stage` of each execution at the end, e.g. "web-1: Halted". */
  finalStages?: string[];
}

/** A Gremlin attack in effect, with typed observations. */
export type GremlinFaultHandle = FaultHandle & { readonly observations: Readonly<GremlinAttackObservations> };

/** Timing of {@link launchAttack}. */
export interface AttackTiming {
  /** Pause between polls of the executions (default 1000 ms; Gremlin distributes attacks in seconds). */
  pollIntervalMs: number;
  /** How long the attack may take to be Running on every target (default 120 s). */
  runningTimeoutMs: number;
  /** How long a halted attack may take to end on every target (default 60 s). */
  haltTimeoutMs: number;
}

export const DEFAULT_ATTACK_TIMING: AttackTiming = { pollIntervalMs: 1_000, runningTimeoutMs: 120_000, haltTimeoutMs: 60_000 };

/**
 * Creates the attack and returns once Gremlin reports it Running on every
 * target; `injectedAt` is that poll. Removal halts it (unless Gremlin has
 * ended it already) and waits until every execution has ended. From the
 * create request on, Ctrl-C halts it; if it fails or never runs, it is halted
 * before the error is thrown.
 */
export async function launchAttack(
  client: GremlinClient,
  attack: ResolvedAttack,
  parameters: Record<string, unknown>,
  timing: AttackTiming = DEFAULT_ATTACK_TIMING,
): Promise<GremlinFaultHandle> {
  const requestedAt = performance.now();
  const attackId = await client.createAttack(attack.request);
  const watcher = new AttackWatcher(client, attackId, requestedAt, attack.targets.length);
  let halting: Promise<void> | undefined;
  const halt = () =>
    (halting ??= client.haltAttack(attackId).catch((error: unknown) => {
      halting = undefined;
      throw error;
    }));
  const unregister = onInterrupt(halt);
  const label = `Gremlin ${attack.kind} attack ${attackId} on ${attack.targets.join(", ")}`;
  let runningAt;
  try {
    runningAt = await untilEffect(`${label} to be Running`, () => watcher.running(), { timeoutMs: timing.runningTimeoutMs, intervalMs: timing.pollIntervalMs });
  } catch (error) {
    await halt().catch(() => undefined);
    unregister();
    throw error;
  }

  const observations: GremlinAttackObservations = {
    attackId,
    targets: attack.targets,
    command: attack.request.command,
    transitions: watcher.transitions,
    runningAfterMs: Math.round(runningAt - requestedAt),
  };
  const handle = createFaultHandle(
    { kind: `gremlin/${attack.kind}`, cause: attack.cause, target: `gremlin ${attack.targets.join(",")}`, parameters },
    observations as unknown as Record<string, unknown>,
    async () => {
      const waitEnded = (description: string) =>
        waitFor(async () => (await watcher.ended()) === true, { description, timeoutMs: timing.haltTimeoutMs, intervalMs: timing.pollIntervalMs });
      if ((await watcher.ended()) === true) return { endedBy: "length", finalStages: watcher.stages() } satisfies Partial<GremlinAttackObservations>;
      const haltRequested = performance.now();
      await halt();
      await waitEnded(`${label} to end after the halt (${watcher.stages().join(", ")})`);
      return {
        endedBy: "halted",
        haltedAfterMs: Math.round(performance.now() - haltRequested),
        finalStages: watcher.stages(),
      } satisfies Partial<GremlinAttackObservations>;
    },
    runningAt,
  );
  unregister();
  return handle as GremlinFaultHandle;
}
