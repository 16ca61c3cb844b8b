import { MidiFormatError } from "./midi-format-error.ts";

/**
 * A forward-only cursor over a file's bytes. Every read checks the end of the data and throws
 * `MidiFormatError("truncated")` instead of yielding `undefined`, so callers never see a
 * TypeError on short input.
 */
export class MidiBytesReader {
  /** Offset of the next byte to read; may be set past the end (the next read then throws). */
  pos = 0;
  readonly length: number;

  constructor(readonly bytes: Uint8Array) {
    this.length = bytes.length;
  }

  /** Throws "truncated" unless `count` more bytes can be read. */
  require(count: number, what: string): void {
    if (this.pos + count > this.length) {
      throw new MidiFormatError("truncated", `file ends inside ${what} (needs ${count} bytes, ${Math.max(0, this.length - this.pos)} left)`, this.pos);
    }
  }

  u8(what: string): number {
    if (this.pos >= this.length) this.require(1, what);
    return this.bytes[this.pos++]!;
  }

  /** Reads a big-endian unsigned 32-bit integer (chunk lengths). */
  u32(what: string): number {
    this.require(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  /** Reads a big-endian signed 16-bit integer (mido unpacks header fields as `>h`). */
  s16(what: string): number {
    this.require(2, what);
    const value = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return value >= 0x8000 ? value - 0x10000 : value;
  }

  /**
   * Reads a variable-length quantity. Like mido it accepts any number of continuation bytes;
   * values beyond 2^53 lose precision, which is harmless because any tick above
   * 10,000,000 or length above 1,000,000 is rejected anyway.
   */
  vlq(what: string): number {
    const b = this.bytes;
    let value = 0;
    for (;;) {
      if (this.pos >= this.length) this.require(1, what);
      const byte = b[this.pos++]!;
      value = value * 128 + (byte & 0x7f);
      if (byte < 0x80) return value;
    }
  }

  /** Compares the 4 bytes at `pos` with an ASCII chunk id without consuming them. */
  hasId(id: string): boolean {
    const b = this.bytes;
    const p = this.pos;
    return p + 4 <= this.length && b[p] === id.charCodeAt(0) && b[p + 1] === id.charCodeAt(1) && b[p + 2] === id.charCodeAt(2) && b[p + 3] === id.charCodeAt(3);
  }
}
