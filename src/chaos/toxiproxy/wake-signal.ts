/**
 * One loop's "something changed" signal: the loop parks until any event
 * (data queued, space freed, a timer, a stop) wakes it, then re-checks its state.
 */
export class WakeSignal {
  private waiter: (() => void) | undefined;

  park(): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Bound, so it can be handed out as a callback. */
  readonly wake = (): void => {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  };
}
