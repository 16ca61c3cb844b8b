/** What the message of every {@link GuardRefusalError} starts with: a run's outcome tells a refusal from a failure to start by it. */
export const GUARD_REFUSAL_PREFIX = "refused by the blast-radius guard: ";

/**
 * A safety guard refused to let anything start (e.g. an external stack not
 * opted into): nothing was touched, on purpose. The CLI reports it as a
 * safety refusal (exit 3), not as an environment that failed to start (4).
 */
export class GuardRefusalError extends Error {
  constructor(reason: string) {
    super(`${GUARD_REFUSAL_PREFIX}${reason}`);
    this.name = "GuardRefusalError";
  }
}
