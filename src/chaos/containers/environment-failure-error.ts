/** What the message of every {@link EnvironmentFailureError} starts with. */
export const ENVIRONMENT_FAILURE_PREFIX = "environment failure: ";

/**
 * The containers environment could not start, or could not bring a container
 * back after a fault (the engine refused, the service never answered). It is
 * the environment's failure, not a verdict on the pipeline's resilience, and
 * its message says so first, followed by the engine's own message: e.g.
 * "environment failure: could not start the postgres container 1a2b3c4d5e6f
 * again: (HTTP code 500) server error - …". Recognised across areas by its
 * `name`, as {@link ContainerEngineUnavailableError} is.
 */
export class EnvironmentFailureError extends Error {
  constructor(what: string, cause: unknown) {
    super(`${ENVIRONMENT_FAILURE_PREFIX}${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "EnvironmentFailureError";
  }
}
