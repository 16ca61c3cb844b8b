import { MidiFormatError } from "./midi-format-error.ts";

/**
 * Exponents e for which mido 1.2.x refuses a time-signature denominator 2**e: its check
 * `math.log(2**e, 2) == int(...)` is inexact for them in IEEE doubles (glibc's log, as on
 * Debian). Measured with `/usr/bin/python3` over e = 0..255 and pinned by the parity test.
 */
const INEXACT_LOG2_EXPONENTS: ReadonlySet<number> = new Set([
  29, 31, 39, 47, 51, 55, 58, 59, 62, 78, 93, 94, 95, 101, 102, 109, 110, 116, 117, 118, 124, 125, 141, 156, 171, 179, 186, 187, 188, 189, 190, 201, 202, 203,
  204, 205, 217, 218, 219, 220, 221, 232, 233, 234, 235, 236, 247, 248, 249, 250, 251,
]);

/**
 * Throws what mido's `build_meta_message` would raise for this payload, in the order mido
 * decodes the fields: an IndexError for a missing byte, a ValueError from an attribute check,
 * or a KeySignatureError. Unknown meta types and text types always decode.
 * @param offset byte offset of the payload in the file, for the error.
 */
export function checkMetaDecodes(type: number, bytes: Uint8Array, start: number, length: number, offset: number): void {
  const short = (field: string): never => {
    throw new MidiFormatError("meta-too-short", `meta event 0x${hex(type)} has ${length} bytes, too short for its ${field}`, offset);
  };
  const range = (field: string, value: number): never => {
    throw new MidiFormatError("meta-value-out-of-range", `meta event 0x${hex(type)} ${field} ${value} is out of range`, offset);
  };
  switch (type) {
    case 0x00: // sequence number: 0 bytes is tolerated, 1 byte is not
      if (length === 1) short("sequence number");
      return;
    case 0x20: // channel prefix
      if (length < 1) short("channel");
      return;
    case 0x51: // set tempo
      if (length < 3) short("tempo");
      return;
    case 0x54: // SMPTE offset
      if (length < 2) short("minutes");
      if (bytes[start + 1]! > 59) range("minutes", bytes[start + 1]!);
      if (length < 3) short("seconds");
      if (bytes[start + 2]! > 59) range("seconds", bytes[start + 2]!);
      if (length < 5) short("frames");
      if (bytes[start + 4]! > 99) range("sub-frames", bytes[start + 4]!);
      return;
    case 0x58: // time signature
      if (length < 2) short("denominator");
      if (INEXACT_LOG2_EXPONENTS.has(bytes[start + 1]!)) range("denominator exponent", bytes[start + 1]!);
      if (length < 4) short("notated 32nds");
      return;
    case 0x59: {
      if (length < 2) short("mode");
      const sharps = (bytes[start]! << 24) >> 24;
      const mode = bytes[start + 1]!;
      if (sharps < -7 || sharps > 7 || mode > 1) {
        throw new MidiFormatError("invalid-key-signature", `key signature with ${sharps} accidentals and mode ${mode}`, offset);
      }
      return;
    }
    default:
      return;
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
