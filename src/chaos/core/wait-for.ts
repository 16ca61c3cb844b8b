/** Options for {@link waitFor}. */
export interface WaitOptions {
  /** What is being waited for; named in the timeout error. */
  description: string;
  timeoutMs: number;
  /** Pause between attempts. */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** Raised when a condition did not hold in time; names the condition and the elapsed time. */
export class WaitTimeoutError extends Error {
  constructor(
    readonly description: string,
    readonly elapsedMs: number,
    options?: { cause?: unknown },
  ) {
    super(`timed out after ${Math.round(elapsedMs)} ms waiting for ${description}`, options);
    this.name = "WaitTimeoutError";
  }
}

/**
 * Polls `attempt` until it resolves to a value other than `undefined`/`false`,
 * and returns that value. A thrown error counts as "not yet"; the last one
 * becomes the timeout error's cause.
 */
export async function waitFor<T>(attempt: () => Promise<T | undefined | false>, options: WaitOptions): Promise<T> {
  const started = performance.now();
  const intervalMs = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await attempt();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    const elapsedMs = performance.now() - started;
    if (elapsedMs >= options.timeoutMs) {
      throw new WaitTimeoutError(options.description, elapsedMs, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, options.timeoutMs - elapsedMs)));
  }
}
