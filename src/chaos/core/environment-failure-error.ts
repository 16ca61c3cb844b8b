/** What the message of every {@link EnvironmentFailureError} starts with, and so the journal's reason of a run its environment failed. */
export const ENVIRONMENT_FAILURE_PREFIX = "environment failure: ";

/**
 * An environment could not start, or could not bring back what a fault took
 * down (the engine refused, the service never answered). It is the
 * environment's failure, not a verdict on the pipeline's resilience, and its
 * message says so first, followed by the cause's own message: e.g.
 * "environment failure: could not start the postgres container 1a2b3c4d5e6f
 * again: (HTTP code 500) server error - …". Any environment may throw it; the
 * experiment runner makes the first one the journal's reason.
 */
export class EnvironmentFailureError extends Error {
  constructor(what: string, cause: unknown) {
    super(`${ENVIRONMENT_FAILURE_PREFIX}${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "EnvironmentFailureError";
  }
}

/** The {@link EnvironmentFailureError} `error` is or holds (inside an AggregateError, as `removeAll` throws), if any. */
export function environmentFailureIn(error: unknown): EnvironmentFailureError | undefined {
  if (error instanceof EnvironmentFailureError) return error;
  return error instanceof AggregateError ? error.errors.map(environmentFailureIn).find((found) => found !== undefined) : undefined;
}
