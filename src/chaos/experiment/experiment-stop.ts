/** Starts the reason of an experiment stopped because its environment cannot produce one of its faults. */
export const UNSUPPORTED_PREFIX = "unsupported fault: ";

/** Why an experiment stopped early: a safety probe, or Ctrl-C. */
export class ExperimentStop extends Error {
  constructor(
    readonly status: "aborted" | "interrupted",
    message: string,
  ) {
    super(message);
  }
}
