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

/** Rejects with the stop's reason once `signal` aborts (at once if it has): raced against whatever the method waits for. */
export function whenStopped(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
