import { isEnd } from "../chunk-queue.ts";
import { INTERRUPTED, type ToxicBehaviour } from "./toxic-behaviour.ts";

/**
 * Lets exactly `bytes` through in this direction, then closes the
 * connection. The count is per connection and survives updates, so raising
 * the limit lets a connection continue where it was.
 */
export const limitData: ToxicBehaviour<"limit_data"> = {
  async pipe(stage, { bytes }) {
    for (;;) {
      const item = await stage.next();
      if (item === INTERRUPTED) return;
      if (isEnd(item)) return stage.emit(item);
      const sent = stage.state["sent"] ?? 0;
      const allowed = item.data.subarray(0, Math.max(0, bytes - sent));
      if (allowed.length > 0) stage.emit({ data: allowed, at: item.at });
      stage.state["sent"] = sent + allowed.length;
      if (sent + allowed.length >= bytes) return stage.hangUp();
    }
  },
};
