import type { PlannedSong } from "./song-plan.ts";

const HEADER_BYTES = 14;
const CHUNK_HEADER_BYTES = 8;
/** Tempo (7 bytes) and End of Track (4). */
const CONDUCTOR_BODY_BYTES = 11;
/** Program change (3) and End of Track (4). */
const INSTRUMENT_TRACK_FIXED_BYTES = 7;
/** Note-on and note-off, 4 bytes each with their one-byte deltas. */
const NOTE_BYTES = 8;
const DRUM_CHANNEL = 9;
const MELODIC_CHANNELS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15];

/**
 * Renders a planned song as a format 1 Standard MIDI File of about `song.bytes`: a conductor track,
 * then one track per instrument (a program change and notes), its notes filling the size. Each
 * note lasts one tick, so even a multi-megabyte file stays far below pretty_midi's last-tick limit.
 * A song without instruments is padded with a text event instead.
 */
export function renderSong(song: PlannedSong): Buffer {
  const tracks = song.melodic.length + song.drums.length;
  const fixed = HEADER_BYTES + CHUNK_HEADER_BYTES + CONDUCTOR_BODY_BYTES + tracks * (CHUNK_HEADER_BYTES + INSTRUMENT_TRACK_FIXED_BYTES);
  const notes = tracks === 0 ? 0 : Math.max(tracks, Math.floor((song.bytes - fixed) / NOTE_BYTES));
  const padding = tracks === 0 ? paddingText(song.bytes - fixed) : 0;
  const out = Buffer.allocUnsafe(fixed + notes * NOTE_BYTES + padding);
  let at = out.write("MThd", 0, "latin1");
  at = out.writeUInt32BE(6, at);
  at = out.writeUInt16BE(1, at);
  at = out.writeUInt16BE(tracks + 1, at);
  at = out.writeUInt16BE(480, at);
  at += out.write("MTrk", at, "latin1");
  at = out.writeUInt32BE(CONDUCTOR_BODY_BYTES + padding, at);
  at = bytes(out, at, [0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20]);
  if (padding > 0) at = textEvent(out, at, padding);
  at = bytes(out, at, [0x00, 0xff, 0x2f, 0x00]);
  const instruments = [
    ...song.melodic.map((program, i) => ({ program, channel: MELODIC_CHANNELS[i % 15]! })),
    ...song.drums.map((program) => ({ program, channel: DRUM_CHANNEL })),
  ];
  instruments.forEach(({ program, channel }, track) => {
    const trackNotes = Math.floor(notes / tracks) + (track < notes % tracks ? 1 : 0);
    at += out.write("MTrk", at, "latin1");
    at = out.writeUInt32BE(INSTRUMENT_TRACK_FIXED_BYTES + trackNotes * NOTE_BYTES, at);
    at = bytes(out, at, [0x00, 0xc0 | channel, program]);
    for (let n = 0; n < trackNotes; n++) {
      const pitch = channel === DRUM_CHANNEL ? 35 + ((n * 7) % 47) : 24 + ((n * 5 + track) % 84);
      at = bytes(out, at, [0x00, 0x90 | channel, pitch, 64 + (n % 60), 0x01, 0x80 | channel, pitch, 0x40]);
    }
    at = bytes(out, at, [0x00, 0xff, 0x2f, 0x00]);
  });
  if (at !== out.byteLength) throw new Error(`rendered ${at} of ${out.byteLength} bytes of ${song.key}`);
  return out;
}

/** Bytes of a text event that brings an instrument-less file to its size (at least its 5-byte minimum). */
function paddingText(missing: number): number {
  return Math.max(5, missing);
}

/** A text meta event of exactly `total` bytes: delta, FF 01, a variable-length length, the text. */
function textEvent(out: Buffer, at: number, total: number): number {
  const lengthBytes = total - 4 <= 0x7f ? 1 : total - 5 <= 0x3fff ? 2 : 3;
  const length = total - 3 - lengthBytes;
  if (length > 0x1fffff) throw new RangeError(`a padding text of ${length} bytes needs more than a 3-byte length`);
  at = bytes(out, at, [0x00, 0xff, 0x01]);
  for (let shift = 7 * (lengthBytes - 1); shift > 0; shift -= 7) out[at++] = 0x80 | ((length >> shift) & 0x7f);
  out[at++] = length & 0x7f;
  out.fill(0x2e, at, at + length);
  return at + length;
}

function bytes(out: Buffer, at: number, values: readonly number[]): number {
  for (const value of values) out[at++] = value;
  return at;
}
