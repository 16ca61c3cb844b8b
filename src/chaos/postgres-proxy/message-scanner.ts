/**
 * Splits a protocol byte stream into messages incrementally, without copying
 * where it can: a message that arrives inside one chunk is a view on that
 * chunk, and a streamed type (CopyData, DataRow) is handed on piece by piece
 * as it arrives, so a large COPY passes through without being buffered.
 */

/** A whole message: `raw` is its exact bytes (type, length, body), `body` a view of the body. */
export interface WholeMessage {
  readonly kind: "message";
  /** Type byte; 0 for the untyped startup-phase message. */
  readonly type: number;
  readonly body: Buffer;
  readonly raw: Buffer;
}

/** A piece of a streamed message; the first piece starts with the header. */
export interface StreamPiece {
  readonly kind: "piece";
  readonly type: number;
  readonly raw: Buffer;
  /** Header bytes at the start of `raw` (5 on the first piece, else 0). */
  readonly headerBytes: number;
  readonly first: boolean;
  readonly last: boolean;
}

export type ScannedItem = WholeMessage | StreamPiece;

/** Upper bound for a buffered (not streamed) message: 1 GiB, PostgreSQL's own limit. */
const MAX_MESSAGE_BYTES = 0x4000_0000;

interface Current {
  readonly type: number;
  readonly headerBytes: number;
  readonly bodyBytes: number;
  readonly streaming: boolean;
  received: number;
  parts: Buffer[];
}

export class MessageScanner {
  private readonly header = Buffer.alloc(5);
  private headerFill = 0;
  private current: Current | undefined;

  /**
   * @param shouldStream decides, when a message's header is complete, whether it is handed on in pieces.
   * @param untypedFirst whether the next message is the untyped startup-phase one (length, then body).
   */
  constructor(
    private readonly shouldStream: (type: number) => boolean,
    private untypedNext = false,
  ) {}

  /** Expect one more untyped message next (after an SSLRequest was declined). */
  expectUntyped(): void {
    this.untypedNext = true;
  }

  push(chunk: Buffer): ScannedItem[] {
    const items: ScannedItem[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.current) {
        const headerBytes = this.untypedNext ? 4 : 5;
        let header: Buffer;
        const inChunk = this.headerFill === 0 && chunk.length - offset >= headerBytes;
        if (inChunk) {
          header = chunk.subarray(offset, offset + headerBytes);
          offset += headerBytes;
        } else {
          const take = Math.min(headerBytes - this.headerFill, chunk.length - offset);
          chunk.copy(this.header, this.headerFill, offset, offset + take);
          this.headerFill += take;
          offset += take;
          if (this.headerFill < headerBytes) break;
          this.headerFill = 0;
          header = Buffer.from(this.header.subarray(0, headerBytes));
        }
        this.current = this.begin(header, headerBytes);
        const available = Math.min(this.current.bodyBytes, chunk.length - offset);
        if (this.current.streaming) {
          const raw = inChunk ? chunk.subarray(offset - headerBytes, offset + available) : Buffer.concat([header, chunk.subarray(offset, offset + available)]);
          offset += available;
          this.current.received = available;
          items.push(this.piece(raw, headerBytes, true));
          continue;
        }
        // The common case: the whole message lies in this chunk; hand on a view instead of a copy.
        if (inChunk && available === this.current.bodyBytes) {
          const raw = chunk.subarray(offset - headerBytes, offset + available);
          items.push({ kind: "message", type: this.current.type, raw, body: raw.subarray(headerBytes) });
          this.current = undefined;
          offset += available;
          continue;
        }
        this.current.parts.push(inChunk ? Buffer.from(header) : header);
      }
      const current = this.current;
      const available = Math.min(current.bodyBytes - current.received, chunk.length - offset);
      const slice = chunk.subarray(offset, offset + available);
      offset += available;
      current.received += available;
      if (current.streaming) {
        items.push(this.piece(slice, 0, false));
        continue;
      }
      current.parts.push(slice);
      if (current.received === current.bodyBytes) {
        const raw = Buffer.concat(current.parts);
        items.push({ kind: "message", type: current.type, raw, body: raw.subarray(current.headerBytes) });
        this.current = undefined;
      }
    }
    if (this.current && !this.current.streaming && this.current.received === this.current.bodyBytes) {
      const current = this.current;
      const raw = Buffer.concat(current.parts);
      items.push({ kind: "message", type: current.type, raw, body: raw.subarray(current.headerBytes) });
      this.current = undefined;
    }
    return items;
  }

  private begin(header: Buffer, headerBytes: number): Current {
    const untyped = headerBytes === 4;
    this.untypedNext = false;
    const type = untyped ? 0 : header[0]!;
    const length = header.readInt32BE(untyped ? 0 : 1);
    if (length < 4 || length > MAX_MESSAGE_BYTES) throw new Error(`protocol: message type ${type} has invalid length ${length}`);
    const bodyBytes = length - 4;
    return { type, headerBytes, bodyBytes, streaming: !untyped && this.shouldStream(type), received: 0, parts: [] };
  }

  private piece(raw: Buffer, headerBytes: number, first: boolean): StreamPiece {
    const current = this.current!;
    const last = current.received === current.bodyBytes;
    if (last) this.current = undefined;
    return { kind: "piece", type: current.type, raw, headerBytes, first, last };
  }
}
