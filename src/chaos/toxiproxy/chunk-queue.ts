/**
 * The queue between two stages of a toxic link. Pushing never blocks, so a
 * stage can always hand on what it holds when it is interrupted (Toxiproxy
 * needs extra draining logic for that because its channels block); the
 * high-water mark is advisory, producers check `full` and wait for `onSpace`.
 */
import type { Buffer } from "node:buffer";

/** Bytes read from a socket in one go. */
export interface Chunk {
  readonly data: Buffer;
  /** `performance.now()` (ms) when it was read; latency is measured from here. */
  readonly at: number;
}

/** The source sent FIN: passed on as a half-close of the destination. */
export const EOF = Symbol("eof");
/** A toxic or a socket error ended the link: the whole connection closes after flushing. */
export const HANGUP = Symbol("hangup");

export type StreamEnd = typeof EOF | typeof HANGUP;
export type StreamItem = Chunk | StreamEnd;

export function isEnd(item: StreamItem): item is StreamEnd {
  return item === EOF || item === HANGUP;
}

const COMPACT_AFTER_ITEMS = 1024;

export class ChunkQueue {
  private items: (StreamItem | undefined)[] = [];
  private head = 0;
  private bytes = 0;
  private closed = false;
  /** Called on every push, to wake the consumer. */
  onItem: (() => void) | undefined;
  /** Called when the queue drops below its high-water mark, to wake the producer. */
  onSpace: (() => void) | undefined;

  /** @param highWaterBytes queued bytes at which producers should wait */
  constructor(readonly highWaterBytes: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  get full(): boolean {
    return this.bytes >= this.highWaterBytes;
  }

  push(item: StreamItem): void {
    if (this.closed) return;
    this.items.push(item);
    if (!isEnd(item)) this.bytes += item.data.length;
    this.onItem?.();
  }

  /** Puts an item back in front, for a stage interrupted after taking it. */
  unshift(item: StreamItem): void {
    if (this.closed) return;
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
    if (!isEnd(item)) this.bytes += item.data.length;
    this.onItem?.();
  }

  shift(): StreamItem | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > COMPACT_AFTER_ITEMS && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (item !== undefined && !isEnd(item)) {
      const wasFull = this.full;
      this.bytes -= item.data.length;
      if (wasFull && !this.full) this.onSpace?.();
    }
    return item;
  }

  /** Moves everything queued to the end of `target`, in order. */
  transferTo(target: ChunkQueue): void {
    for (let item = this.shift(); item !== undefined; item = this.shift()) target.push(item);
  }

  /** Drops what is queued and ignores later pushes: nobody will read it. */
  close(): void {
    this.closed = true;
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    this.onSpace?.();
  }
}
