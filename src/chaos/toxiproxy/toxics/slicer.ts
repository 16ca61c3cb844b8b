import { isEnd } from "../chunk-queue.ts";
import { INTERRUPTED, type ToxicBehaviour } from "./toxic-behaviour.ts";

/** Timers cannot sleep less; shorter gaps are added up until they reach it. */
const MIN_SLEEP_MS = 1;

/**
 * Cuts each chunk into pieces of `average_size ± size_variation` bytes with
 * `delay` MICROseconds between pieces, kept on a running clock so sub-ms
 * delays add up to the right total.
 */
export const slicer: ToxicBehaviour<"slicer"> = {
  async pipe(stage, { average_size, size_variation, delay }) {
    let due = performance.now();
    for (;;) {
      const item = await stage.next();
      if (item === INTERRUPTED) return;
      if (isEnd(item)) return stage.emit(item);
      const data = item.data;
      let offset = 0;
      while (offset < data.length) {
        const wanted = Math.round(average_size + (Math.random() * 2 - 1) * size_variation);
        const size = Math.min(Math.max(wanted, 1), data.length - offset);
        stage.emit({ data: data.subarray(offset, offset + size), at: item.at });
        offset += size;
        if (delay === 0 || offset >= data.length) continue;
        due = Math.max(due, performance.now()) + delay / 1000;
        const wait = due - performance.now();
        if (wait >= MIN_SLEEP_MS && !(await stage.sleep(wait))) {
          stage.emit({ data: data.subarray(offset), at: item.at });
          return;
        }
      }
    }
  },
};
