import { transientReason, type TransientReason } from "./error-classifier.ts";
import { OperationFailedError, RunAbortedError } from "./errors.ts";

/** Exponential backoff with jitter. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles each time. */
  baseDelayMs: number;
  /** Upper bound of one delay. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 12, baseDelayMs: 100, maxDelayMs: 5_000 };

export interface RetryHooks {
  /** Called before each new attempt with why the last one failed. */
  onRetry?: (reason: TransientReason, attempt: number, error: unknown) => void;
  signal?: AbortSignal;
  /** Overridable for tests. */
  random?: () => number;
}

/** "Equal jitter": half the exponential delay fixed, half random, so retries of many workers spread out yet still back off. */
export function backoffDelayMs(policy: RetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return exponential / 2 + random() * (exponential / 2);
}

/**
 * Runs `operation` until it succeeds, retrying only transient errors
 * (see {@link transientReason}); a permanent error fails at once.
 */
export async function withRetry<T>(operation: string, policy: RetryPolicy, attempt: (attemptNumber: number) => Promise<T>, hooks: RetryHooks = {}): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    if (hooks.signal?.aborted) throw new RunAbortedError({ cause: hooks.signal.reason });
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (error instanceof RunAbortedError) throw error;
      if (hooks.signal?.aborted) throw new RunAbortedError({ cause: hooks.signal.reason });
      const reason = transientReason(error);
      if (reason === undefined || attemptNumber >= policy.maxAttempts) {
        throw new OperationFailedError(operation, attemptNumber, reason !== undefined, { cause: error });
      }
      hooks.onRetry?.(reason, attemptNumber, error);
      await sleep(backoffDelayMs(policy, attemptNumber, hooks.random), hooks.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RunAbortedError({ cause: signal.reason }));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RunAbortedError({ cause: signal?.reason }));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
