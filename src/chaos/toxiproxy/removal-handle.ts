/** Handles for injected faults, so a fixture can always undo them. */
import { ToxiproxyApiError } from "./errors.ts";
import type { Toxic } from "./toxic-spec.ts";

/** A toxic or a disabled proxy that can be undone (the fault library wraps it in a FaultHandle with timestamps). */
export interface RemovalHandle extends AsyncDisposable {
  /** Undoes the fault; once it has succeeded, later calls do nothing. */
  remove(): Promise<void>;
}

/** A toxic added through `ToxiproxyApi.injectToxic`. */
export interface ToxicHandle extends RemovalHandle {
  readonly proxy: string;
  readonly toxic: Toxic;
}

/**
 * A handle whose `undo` runs at most once successfully; a 404 counts as
 * success, since the fault is gone either way (a reset, a deleted proxy).
 */
export function removalHandle(undo: () => Promise<void>): RemovalHandle {
  let done = false;
  let inFlight: Promise<void> | undefined;
  const remove = (): Promise<void> => {
    if (done) return Promise.resolve();
    inFlight ??= undo()
      .catch((error: unknown) => {
        if (!(error instanceof ToxiproxyApiError && error.status === 404)) throw error;
      })
      .then(() => {
        done = true;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  return { remove, [Symbol.asyncDispose]: remove };
}
