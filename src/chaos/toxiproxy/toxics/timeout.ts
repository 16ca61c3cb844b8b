import type { ToxicBehaviour } from "./toxic-behaviour.ts";

/**
 * Lets nothing through: data waits in front of the toxic (and, once that
 * buffer is full, in the kernel) until the toxic is removed, or the
 * connection is closed after `timeout` ms when that is not 0.
 */
export const timeout: ToxicBehaviour<"timeout"> = {
  async pipe(stage, { timeout }) {
    if (timeout === 0) return stage.untilInterrupted();
    if (await stage.sleep(timeout)) stage.hangUp();
  },
};
