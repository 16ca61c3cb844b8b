/**
 * One toxic in one link of one connection: its input queue, where its output
 * goes, and the async loop running the toxic between them. The link rewires
 * `output` and interrupts the loop when the toxic is updated or removed, so
 * changes reach connections that are already open.
 */
import { ChunkQueue, HANGUP, isEnd, type StreamItem } from "./chunk-queue.ts";
import type { Toxic } from "./toxic-spec.ts";
import { bufferBytesOf, runToxic } from "./toxics/registry.ts";
import { INTERRUPTED, passThrough, type StageContext } from "./toxics/toxic-behaviour.ts";
import { WakeSignal } from "./wake-signal.ts";

/** What a stage may do to its connection. */
export interface PeerControl {
  resetPeer(): void;
}

/** Timers fire on whole milliseconds; a wait this close to its end counts as done. */
const SLEEP_SLACK_MS = 0.5;

export class ToxicStage implements StageContext {
  readonly input: ChunkQueue;
  readonly state: Record<string, number> = {};
  private out: ChunkQueue;
  private readonly signal = new WakeSignal();
  private readonly wake = this.signal.wake;
  private stopRequested = false;
  private running: Promise<void> | undefined;
  private finished = false;

  constructor(
    private toxic: Toxic,
    output: ChunkQueue,
    private readonly peer: PeerControl,
  ) {
    this.input = new ChunkQueue(bufferBytesOf(toxic.type));
    this.input.onItem = this.wake;
    this.out = output;
    output.onSpace = this.wake;
  }

  get name(): string {
    return this.toxic.name;
  }

  get output(): ChunkQueue {
    return this.out;
  }

  set output(queue: ChunkQueue) {
    this.out = queue;
    queue.onSpace = this.wake;
    this.wake();
  }

  /** Runs the toxic, or a pass-through when this connection's toxicity roll misses. */
  start(): void {
    if (this.finished || this.running) return;
    this.stopRequested = false;
    const run = Math.random() < this.toxic.toxicity ? runToxic(this, this.toxic) : passThrough(this);
    this.running = run
      .catch(() => this.hangUp())
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Stops the loop; what it held has been handed on or put back when this resolves. */
  async interrupt(): Promise<void> {
    if (!this.running) return;
    this.stopRequested = true;
    this.wake();
    await this.running;
  }

  /** Swaps in an updated toxic (same name, new attributes or toxicity). */
  async replace(toxic: Toxic): Promise<void> {
    await this.interrupt();
    this.toxic = toxic;
    this.start();
  }

  /** The connection is gone: stop for good and drop what is queued. */
  kill(): void {
    this.finished = true;
    this.stopRequested = true;
    this.input.close();
    this.wake();
  }

  async next(): Promise<StreamItem | typeof INTERRUPTED> {
    for (;;) {
      if (this.stopRequested) return INTERRUPTED;
      if (!this.out.full) {
        const item = this.input.shift();
        if (item !== undefined) return item;
      }
      await this.park();
    }
  }

  emit(item: StreamItem): void {
    this.out.push(item);
    if (isEnd(item)) this.finished = true;
  }

  unread(item: StreamItem): void {
    this.input.unshift(item);
  }

  async sleep(ms: number): Promise<boolean> {
    const until = performance.now() + ms;
    for (;;) {
      if (this.stopRequested) return false;
      const left = until - performance.now();
      if (left <= SLEEP_SLACK_MS) return true;
      const timer = setTimeout(this.wake, Math.ceil(left));
      await this.park();
      clearTimeout(timer);
    }
  }

  async untilInterrupted(): Promise<void> {
    while (!this.stopRequested) await this.park();
  }

  hangUp(): void {
    this.out.push(HANGUP);
    this.finished = true;
    this.input.close();
  }

  resetPeer(): void {
    this.finished = true;
    this.input.close();
    this.peer.resetPeer();
  }

  private park(): Promise<void> {
    return this.signal.park();
  }
}
