import { isEnd } from "../chunk-queue.ts";
import { INTERRUPTED, type ToxicBehaviour } from "./toxic-behaviour.ts";

/** Passes data at once but holds the end of the stream back by `delay` ms. */
export const slowClose: ToxicBehaviour<"slow_close"> = {
  async pipe(stage, { delay }) {
    for (;;) {
      const item = await stage.next();
      if (item === INTERRUPTED) return;
      if (!isEnd(item)) {
        stage.emit(item);
        continue;
      }
      // Interrupted while holding the close: whoever runs next decides again.
      if (await stage.sleep(delay)) stage.emit(item);
      else stage.unread(item);
      return;
    }
  },
};
