import { isEnd } from "../chunk-queue.ts";
import { INTERRUPTED, passThrough, type ToxicBehaviour } from "./toxic-behaviour.ts";

/** Large chunks go out in slices worth this many ms, so the rate holds within a chunk. */
const SLICE_MS = 100;
/** Timer lateness up to this much is made up by sending the next slice sooner. */
const CATCH_UP_MS = 20;

/**
 * Holds the stream to `rate` KB/s (1 KB/s = 1 byte/ms) on a running clock:
 * each slice leaves when the bytes before it would have drained at the rate.
 */
export const bandwidth: ToxicBehaviour<"bandwidth"> = {
  async pipe(stage, { rate }) {
    if (rate <= 0) return passThrough(stage);
    const sliceBytes = rate * SLICE_MS;
    let due = performance.now();
    for (;;) {
      const item = await stage.next();
      if (item === INTERRUPTED) return;
      if (isEnd(item)) return stage.emit(item);
      for (let offset = 0; offset < item.data.length; offset += sliceBytes) {
        const slice = item.data.subarray(offset, offset + sliceBytes);
        const now = performance.now();
        if (now - due > CATCH_UP_MS) due = now;
        due += slice.length / rate;
        if (!(await stage.sleep(due - performance.now()))) {
          stage.emit({ data: item.data.subarray(offset), at: item.at });
          return;
        }
        stage.emit({ data: slice, at: item.at });
      }
    }
  },
};
