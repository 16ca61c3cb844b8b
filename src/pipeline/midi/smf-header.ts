import type { MidiBytesReader } from "./midi-bytes-reader.ts";
import { MidiFormatError } from "./midi-format-error.ts";

/** The MThd chunk, read the way mido 1.2.x reads it: three signed 16-bit fields, no range checks. */
export interface SmfHeader {
  /** SMF format as stored (0, 1, 2, or whatever the file says: mido does not check it). */
  format: number;
  /** Track chunks the header declares; negative when the field is 0x8000 or more (then none are read). */
  declaredTracks: number;
  /** Division as a signed number: ticks per quarter note, or negative for SMPTE timing (kept as-is, like mido). */
  ticksPerBeat: number;
}

const MTHD = "MThd";
const HEADER_FIELDS_BYTES = 6;

/**
 * Reads the header chunk and leaves the reader at the first byte after it (MThd lengths above 6
 * are honoured, extra bytes skipped, as mido does).
 */
export function readSmfHeader(reader: MidiBytesReader): SmfHeader {
  if (reader.length === 0) throw new MidiFormatError("empty-file", "file is empty");
  if (reader.length < 8) {
    // mido only reports "end of file" here; a short file that is not a prefix of "MThd" is better called not-MIDI.
    const isPrefix = [...reader.bytes].every((byte, i) => i >= MTHD.length || byte === MTHD.charCodeAt(i));
    if (!isPrefix) throw new MidiFormatError("not-midi", "MThd not found: probably not a MIDI file", 0);
    throw new MidiFormatError("truncated", `file ends inside the MThd chunk header (${reader.length} bytes)`, 0);
  }
  if (!reader.hasId(MTHD)) throw new MidiFormatError("not-midi", "MThd not found: probably not a MIDI file", 0);
  reader.pos = 4;
  const size = reader.u32("the MThd length");
  const available = Math.min(size, reader.length - 8);
  if (available < HEADER_FIELDS_BYTES) {
    if (size < HEADER_FIELDS_BYTES) throw new MidiFormatError("header-too-short", `MThd declares ${size} bytes, needs 6`, 4);
    throw new MidiFormatError("truncated", `file ends inside the MThd chunk (${available} of 6 bytes)`, 8);
  }
  const format = reader.s16("the SMF format");
  const declaredTracks = reader.s16("the track count");
  const ticksPerBeat = reader.s16("the division");
  reader.pos = 8 + size;
  return { format, declaredTracks, ticksPerBeat };
}
