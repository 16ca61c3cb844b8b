import { Transform, type TransformCallback } from "node:stream";

/** What to do to one response body. */
export interface BodyFaultPlan {
  /** Send only this many bytes, then end (the rest of the upstream body is read and dropped). */
  keepBytes?: number;
  /** Byte offset to flip (XOR 0xff), keeping the length. */
  flipAt?: number;
  /** After `keepBytes`, send nothing more and never end (a stalled body) instead of ending. */
  stall?: boolean;
}

/**
 * A pass-through for a response body that flips one byte and/or ends early.
 * It keeps consuming its input after ending, so the upstream response is
 * drained and its keep-alive connection stays reusable.
 */
export class BodyFaultStream extends Transform {
  private offset = 0;
  private cut = false;

  constructor(private readonly plan: BodyFaultPlan) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.cut) return callback();
    let out = chunk;
    const { flipAt, keepBytes } = this.plan;
    if (flipAt !== undefined && flipAt >= this.offset && flipAt < this.offset + chunk.byteLength) {
      out = Buffer.from(chunk);
      out[flipAt - this.offset] = out[flipAt - this.offset]! ^ 0xff;
    }
    if (keepBytes !== undefined && this.offset + out.byteLength >= keepBytes) {
      const kept = out.subarray(0, keepBytes - this.offset);
      this.offset = keepBytes;
      this.cut = true;
      if (kept.byteLength > 0) this.push(kept);
      if (!this.plan.stall) this.push(null);
      return callback();
    }
    this.offset += out.byteLength;
    callback(null, out);
  }

  override _flush(callback: TransformCallback): void {
    // A stalled body never ends: the response stays open until the client gives up (the stream is destroyed then).
    if (!(this.cut && this.plan.stall)) callback();
  }
}
