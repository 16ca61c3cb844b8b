/**
 * What a toxic sees of its place in a link: one input, one output, a clock
 * and the connection. A toxic's `pipe` runs until the stream ends or the
 * stage is interrupted (its toxic updated or removed); on interrupt it must
 * hand on or put back what it holds, never drop it.
 */
import { isEnd, type StreamItem } from "../chunk-queue.ts";
import type { ToxicAttributesByType, ToxicType } from "../toxic-spec.ts";

/** `next()` returned because the stage must stop. */
export const INTERRUPTED = Symbol("interrupted");

export interface StageContext {
  /** The next item, once the output has room; `INTERRUPTED` when the stage must stop. */
  next(): Promise<StreamItem | typeof INTERRUPTED>;
  /** Hands an item to the next stage (never blocks). */
  emit(item: StreamItem): void;
  /** Puts a taken item back, for whoever runs this stage next. */
  unread(item: StreamItem): void;
  /** Waits `ms` milliseconds (fractions allowed); false if interrupted first. */
  sleep(ms: number): Promise<boolean>;
  /** Resolves when the stage is interrupted. */
  untilInterrupted(): Promise<void>;
  /** Ends the link here: the connection closes once what was emitted is flushed. */
  hangUp(): void;
  /** Resets both sockets of the connection (TCP RST) at once. */
  resetPeer(): void;
  /** Per-connection state that survives updates of the toxic (e.g. bytes sent). */
  readonly state: Record<string, number>;
}

export interface ToxicBehaviour<T extends ToxicType> {
  /** Bytes queued in front of this toxic before the previous stage waits. */
  readonly bufferBytes?: number;
  pipe(stage: StageContext, attributes: ToxicAttributesByType[T]): Promise<void>;
}

/** Hands every item on unchanged: `noop`, and any toxic whose toxicity roll failed. */
export async function passThrough(stage: StageContext): Promise<void> {
  for (;;) {
    const item = await stage.next();
    if (item === INTERRUPTED) return;
    stage.emit(item);
    if (isEnd(item)) return;
  }
}
