import { onInterrupt } from "./child-registry.ts";

/** The seed's three causes of downtime, which every fault produces one of. */
export type DowntimeCause = "overload" | "equipment-failure" | "software-failure";

/** What a fault is, for journals and reports. */
export interface FaultDescription {
  /** Machine-friendly kind, e.g. "toxic/latency", "process/kill", "s3/error", "cpu-pressure". */
  kind: string;
  cause: DowntimeCause;
  /** What was hit, e.g. "postgres", "proxy s3 downstream". */
  target: string;
  /** The fault's parameters as given (never credentials). */
  parameters: Readonly<Record<string, unknown>>;
}

/** A fault in effect: what was injected, when, what was observed, and how to undo it. */
export interface FaultHandle extends AsyncDisposable {
  readonly description: FaultDescription;
  /** Monotonic time (performance.now()) the fault's effect was seen (not when it was requested). */
  readonly injectedAt: number;
  /** Monotonic time the fault was undone, once it was. */
  readonly removedAt: number | undefined;
  /** Facts that prove the fault happened and what undoing it did, e.g. `{ pid: 123, readyAfterMs: 80 }`. */
  readonly observations: Readonly<Record<string, unknown>>;
  /** Undoes the fault. Idempotent: concurrent and later calls share the first removal. */
  remove(): Promise<void>;
}

/**
 * Monotonic time (performance.now()) at which a fault's effect was seen, not
 * merely requested. Only {@link effectSeen} and {@link untilEffect} make one,
 * so a fault cannot stamp its handle before it has checked that it took
 * effect: recovery times are measured from this stamp.
 */
export type EffectSeenAt = number & { readonly effectSeen: unique symbol };

/**
 * Stamps now, for a fault whose effect the caller has just observed by the
 * operation itself: the lock was granted, the server refused a session, the
 * rule is in the set the next request reads, the API answered after applying
 * the toxic to open connections. `seen` is that observation, for readers.
 */
export function effectSeen(seen: string, at = performance.now()): EffectSeenAt {
  void seen;
  return at as EffectSeenAt;
}

/** Options for {@link untilEffect}. */
export interface UntilEffectOptions {
  timeoutMs: number;
  /** Pause between checks (default 5 ms: the stamp is at most this late). */
  intervalMs?: number;
}

/**
 * Polls `check` until it reports the effect (true), and stamps that moment.
 * `check` may return a string saying what is still missing (e.g. "pids 12, 13
 * still running"), which the timeout error quotes after `description`.
 */
export async function untilEffect(
  description: string,
  check: () => boolean | string | Promise<boolean | string>,
  options: UntilEffectOptions,
): Promise<EffectSeenAt> {
  const started = performance.now();
  for (;;) {
    const outcome = await check();
    if (outcome === true) return performance.now() as EffectSeenAt;
    const elapsedMs = performance.now() - started;
    if (elapsedMs >= options.timeoutMs) {
      const missing = typeof outcome === "string" ? `: ${outcome}` : "";
      throw new FaultNotInEffectError(`${description} did not take effect within ${Math.round(elapsedMs)} ms${missing}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs ?? 5, options.timeoutMs - elapsedMs)));
  }
}

/** A fault whose effect could not be observed in time; nothing may be stamped for it. */
export class FaultNotInEffectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultNotInEffectError";
  }
}

/**
 * Builds a handle for a fault that has just taken effect; `injectedAt` is the
 * proof it did ({@link effectSeen}, {@link untilEffect}). `undo` runs at
 * most once (a failed undo may be retried by calling `remove()` again) and is
 * also run if the process is interrupted (Ctrl-C, SIGTERM) before removal.
 * `undo` may return observations, which are merged into the handle's.
 * `observations` is kept, not copied, so an injector can update counters live.
 */
export function createFaultHandle(
  description: FaultDescription,
  observations: Record<string, unknown>,
  undo: () => Promise<Record<string, unknown> | void>,
  injectedAt: EffectSeenAt,
): FaultHandle {
  let removedAt: number | undefined;
  let removal: Promise<void> | undefined;
  const facts = observations;
  const remove = (): Promise<void> => {
    removal ??= undo().then(
      (after) => {
        removedAt = performance.now();
        Object.assign(facts, after ?? {});
        unregister();
      },
      (error: unknown) => {
        removal = undefined;
        throw error;
      },
    );
    return removal;
  };
  const unregister = onInterrupt(remove);
  return {
    description,
    injectedAt,
    get removedAt() {
      return removedAt;
    },
    observations: facts,
    remove,
    [Symbol.asyncDispose]: remove,
  };
}

/** Removes every handle, all of them even if some fail; the failures are thrown together. */
export async function removeAll(handles: Iterable<FaultHandle>): Promise<void> {
  const results = await Promise.allSettled([...handles].map((handle) => handle.remove()));
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === "rejected").map((result) => result.reason);
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} fault(s) could not be removed`);
}

/** An invalid fault parameter, named by its field; thrown before anything is injected. */
export class FaultParameterError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`invalid fault parameter: ${field} ${problem}`);
    this.name = "FaultParameterError";
  }
}

/** Validates a non-negative finite number parameter. */
export function nonNegative(value: number, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
    throw new FaultParameterError(field, `must be a non-negative number, got ${JSON.stringify(value)}`);
  return value;
}

/** Validates a probability in 0..1. */
export function probability(value: number, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1)
    throw new FaultParameterError(field, `must be between 0 and 1, got ${JSON.stringify(value)}`);
  return value;
}

/** Validates a positive integer parameter. */
export function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new FaultParameterError(field, `must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}
