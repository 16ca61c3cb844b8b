/**
 * One direction of a proxied connection: source socket -> toxic stages ->
 * destination socket. Toxics are appended, replaced and removed while data
 * flows, without reordering or dropping a byte, as Toxiproxy's links do.
 * With no toxic and nothing queued, a chunk is written to the destination as
 * it is read (the source waits for the destination's drain instead of a
 * queue), which is what every connection does most of its life.
 */
import type { Buffer } from "node:buffer";
import type { Socket } from "node:net";
import { finished } from "node:stream";
import { ChunkQueue, EOF, HANGUP } from "./chunk-queue.ts";
import type { Toxic, ToxicStream } from "./toxic-spec.ts";
import { ToxicStage, type PeerControl } from "./toxic-stage.ts";
import { WakeSignal } from "./wake-signal.ts";

/** Bytes waiting for the destination socket before the last stage (or the reader) waits. */
const LINK_BUFFER_BYTES = 1024 * 1024;

/** What a link may do to its connection. */
export interface LinkControl extends PeerControl {
  /** A toxic ended the link: close the whole connection once `flushing` has sent what it holds. */
  hangUp(flushing: Socket): void;
  /** The source's FIN was passed on and flushed: this direction is done. */
  linkEnded(): void;
}

export class ToxicLink {
  private readonly stages: ToxicStage[] = [];
  private readonly tail = new ChunkQueue(LINK_BUFFER_BYTES);
  private head: ChunkQueue;
  private paused = false;
  private readEnded = false;
  private killed = false;
  private readonly signal = new WakeSignal();
  private readonly wake = this.signal.wake;

  constructor(
    readonly stream: ToxicStream,
    private readonly source: Socket,
    private readonly dest: Socket,
    toxics: readonly Toxic[],
    private readonly control: LinkControl,
  ) {
    this.head = this.tail;
    this.tail.onSpace = this.resumeSource;
    this.tail.onItem = this.wake;
    for (const toxic of toxics) this.addToxic(toxic);
  }

  /** Starts reading the source and writing the destination. */
  start(): void {
    this.source.on("data", this.onData);
    this.source.once("end", () => this.endInput(EOF));
    // A close without a FIN first is an error or reset: Toxiproxy closes the link then.
    this.source.once("close", () => this.endInput(HANGUP));
    this.dest.on("drain", this.onDrain);
    this.dest.on("close", this.onDrain);
    void this.write();
  }

  addToxic(toxic: Toxic): void {
    if (this.killed || this.stages.some((stage) => stage.name === toxic.name)) return;
    const last = this.stages.at(-1);
    const stage = new ToxicStage(toxic, last ? last.output : this.head, this.control);
    if (last) last.output = stage.input;
    else this.setHead(stage.input);
    this.stages.push(stage);
    stage.start();
  }

  async updateToxic(toxic: Toxic): Promise<void> {
    await this.stages.find((stage) => stage.name === toxic.name)?.replace(toxic);
  }

  async removeToxic(name: string): Promise<void> {
    const stage = this.stages.find((candidate) => candidate.name === name);
    if (!stage) return;
    await stage.interrupt();
    // From here to the end nothing awaits, so no chunk can slip past in between.
    const index = this.stages.indexOf(stage);
    stage.input.transferTo(stage.output);
    stage.kill();
    const previous = this.stages[index - 1];
    if (previous) previous.output = stage.output;
    else this.setHead(stage.output);
    this.stages.splice(index, 1);
  }

  /** The connection is gone: stop every loop and drop what is queued. */
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    for (const stage of this.stages) stage.kill();
    this.tail.close();
    this.source.off("data", this.onData);
    this.wake();
  }

  private setHead(queue: ChunkQueue): void {
    this.head = queue;
    queue.onSpace = this.resumeSource;
    this.resumeSource();
  }

  private readonly onData = (data: Buffer): void => {
    if (this.passingThrough()) {
      if (!this.dest.write(data)) this.pauseSource();
      return;
    }
    this.head.push({ data, at: performance.now() });
    if (this.head.full) this.pauseSource();
  };

  /** No toxic, nothing queued: nothing can come before this chunk, so it may skip the queue. */
  private passingThrough(): boolean {
    return this.stages.length === 0 && this.tail.size === 0 && !this.dest.destroyed;
  }

  /** The destination took what it held, or is gone (then the write loop ends this direction). */
  private readonly onDrain = (): void => {
    this.wake();
    this.resumeSource();
  };

  private pauseSource(): void {
    if (this.paused) return;
    this.paused = true;
    this.source.pause();
  }

  private readonly resumeSource = (): void => {
    if (!this.paused || this.killed || this.head.full) return;
    // Without toxics the source writes straight to the destination: it waits for the drain.
    if (this.stages.length === 0 && this.dest.writableNeedDrain && !this.dest.destroyed) return;
    this.paused = false;
    this.source.resume();
  };

  private endInput(end: typeof EOF | typeof HANGUP): void {
    if (this.readEnded) return;
    this.readEnded = true;
    this.head.push(end);
  }

  private async write(): Promise<void> {
    const dest = this.dest;
    for (;;) {
      if (this.killed) return;
      const item = this.tail.shift();
      if (item === undefined) {
        await this.park();
      } else if (item === EOF) {
        dest.end();
        finished(dest, { readable: false }, () => this.control.linkEnded());
        return;
      } else if (item === HANGUP) {
        this.control.hangUp(dest);
        return;
      } else if (dest.destroyed) {
        // The peer is gone: like Toxiproxy's failed write, this direction is over.
        this.control.linkEnded();
        return;
      } else if (!dest.write(item.data)) {
        while (dest.writableNeedDrain && !dest.destroyed && !this.killed) await this.park();
      }
    }
  }

  private park(): Promise<void> {
    return this.signal.park();
  }
}
