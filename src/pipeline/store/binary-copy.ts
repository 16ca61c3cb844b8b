const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
/** A batch's payload is often a few KiB: start small, then double each new chunk up to the largest. */
const FIRST_CHUNK_BYTES = 1 << 13;
const LARGEST_CHUNK_BYTES = 1 << 18;

/**
 * Builds the payload of `COPY ... FROM STDIN WITH (FORMAT binary)`: header,
 * tuples, trailer, as a list of Buffers. Binary COPY spares both sides the text
 * form of every number (a float's shortest decimal and its parse back), and
 * writing into preallocated Buffers spares the per-row strings of CSV.
 *
 * Callers write one tuple at a time: `tuple(n)` followed by exactly n fields,
 * each typed to match its column exactly (int4 for integer, int2 for smallint, ...).
 */
export class BinaryCopyPayload {
  private readonly chunks: Buffer[] = [];
  private buffer = Buffer.allocUnsafe(FIRST_CHUNK_BYTES);
  private offset = 0;
  private finished = false;
  private lastUuid: string | undefined;
  private lastUuidBytes = Buffer.alloc(16);
  /** Tuples written so far. */
  rows = 0;

  constructor() {
    this.reserve(SIGNATURE.length + 8);
    this.offset += SIGNATURE.copy(this.buffer, this.offset);
    this.offset = this.buffer.writeInt32BE(0, this.offset); // flags: no OIDs
    this.offset = this.buffer.writeInt32BE(0, this.offset); // header extension length
  }

  tuple(fields: number): this {
    this.reserve(2);
    this.offset = this.buffer.writeInt16BE(fields, this.offset);
    this.rows++;
    return this;
  }

  text(value: string): this {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    this.reserve(4 + value.length * 3);
    const written = this.buffer.write(value, this.offset + 4, "utf8");
    this.buffer.writeInt32BE(written, this.offset);
    this.offset += 4 + written;
    return this;
  }

  bool(value: boolean): this {
    this.reserve(5);
    this.offset = this.buffer.writeInt32BE(1, this.offset);
    this.buffer[this.offset++] = value ? 1 : 0;
    return this;
  }

  /** smallint; `column` names the field in the error if the value is not an integer in range. */
  int2(value: number, column: string): this {
    if (!Number.isInteger(value) || value < -32_768 || value > 32_767) throw outOfRange(column, value, "a smallint");
    this.reserve(6);
    this.offset = this.buffer.writeInt32BE(2, this.offset);
    this.offset = this.buffer.writeInt16BE(value, this.offset);
    return this;
  }

  /** integer; `column` names the field in the error if the value is not an integer in range. */
  int4(value: number, column: string): this {
    if (!Number.isInteger(value) || value < -2_147_483_648 || value > 2_147_483_647) throw outOfRange(column, value, "an integer");
    this.reserve(8);
    this.offset = this.buffer.writeInt32BE(4, this.offset);
    this.offset = this.buffer.writeInt32BE(value, this.offset);
    return this;
  }

  /** bigint, from a safe integer (written as two 32-bit halves: no BigInt per row). */
  int8(value: number, column: string): this {
    if (!Number.isSafeInteger(value)) throw outOfRange(column, value, "a safe integer");
    this.reserve(12);
    const high = Math.floor(value / 2 ** 32);
    this.offset = this.buffer.writeInt32BE(8, this.offset);
    this.offset = this.buffer.writeInt32BE(high, this.offset);
    this.offset = this.buffer.writeUInt32BE(value - high * 2 ** 32, this.offset);
    return this;
  }

  /** double precision; NaN and infinities are refused, as no column here may hold them. */
  float8(value: number, column: string): this {
    if (!Number.isFinite(value)) throw outOfRange(column, value, "a finite number");
    this.reserve(12);
    this.offset = this.buffer.writeInt32BE(8, this.offset);
    this.offset = this.buffer.writeDoubleBE(value, this.offset);
    return this;
  }

  /** uuid, from its canonical text form (hyphens optional). A batch repeats one run id: its bytes are parsed once. */
  uuid(value: string, column: string): this {
    if (value !== this.lastUuid) {
      const hex = value.replaceAll("-", "");
      if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`cannot write ${column} = ${JSON.stringify(value)} to COPY: not a uuid`);
      this.lastUuidBytes = Buffer.from(hex, "hex");
      this.lastUuid = value;
    }
    this.reserve(20);
    this.offset = this.buffer.writeInt32BE(16, this.offset);
    this.offset += this.lastUuidBytes.copy(this.buffer, this.offset);
    return this;
  }

  /** The whole payload, trailer included; the payload takes no more tuples after this. */
  finish(): Buffer[] {
    if (!this.finished) {
      this.reserve(2);
      this.offset = this.buffer.writeInt16BE(-1, this.offset);
      this.seal();
      this.finished = true;
    }
    return this.chunks;
  }

  private reserve(bytes: number): void {
    if (this.finished) throw new Error("BinaryCopyPayload: no more tuples after finish()");
    if (this.offset + bytes <= this.buffer.length) return;
    this.seal();
    this.buffer = Buffer.allocUnsafe(Math.max(Math.min(this.buffer.length * 2, LARGEST_CHUNK_BYTES), bytes));
    this.offset = 0;
  }

  private seal(): void {
    if (this.offset > 0) this.chunks.push(this.buffer.subarray(0, this.offset));
  }
}

function outOfRange(column: string, value: number, expected: string): RangeError {
  return new RangeError(`cannot write ${column} = ${value} to COPY: not ${expected}`);
}
