import { isEnd } from "../chunk-queue.ts";
import { INTERRUPTED, type ToxicBehaviour } from "./toxic-behaviour.ts";

/**
 * Room for data in flight behind the delay: like Toxiproxy's 1024-chunk
 * buffer, it keeps a long latency from also throttling throughput.
 */
const LATENCY_BUFFER_BYTES = 32 * 1024 * 1024;

/**
 * Delays each chunk until `latency ± jitter` ms after it was read, so the
 * delay does not add up along a stream and a second latency toxic adds its own.
 */
export const latency: ToxicBehaviour<"latency"> = {
  bufferBytes: LATENCY_BUFFER_BYTES,
  async pipe(stage, { latency, jitter }) {
    for (;;) {
      const item = await stage.next();
      if (item === INTERRUPTED) return;
      if (isEnd(item)) return stage.emit(item);
      const delay = jitter > 0 ? latency + (Math.random() * 2 - 1) * jitter : latency;
      const wait = delay - (performance.now() - item.at);
      if (wait <= 0) {
        stage.emit(item);
        continue;
      }
      const slept = await stage.sleep(wait);
      stage.emit({ data: item.data, at: item.at + wait });
      if (!slept) return;
    }
  },
};
