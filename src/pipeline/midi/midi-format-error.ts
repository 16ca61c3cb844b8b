/**
 * Why a file was rejected: short, stable, low-cardinality labels (they become a metrics label and
 * a quarantine column). The first group is what mido 1.2.x refuses while parsing, the second
 * what pretty_midi refuses after mido parsed the file.
 */
export const MIDI_FORMAT_REASONS = [
  // mido: container and event syntax
  "empty-file", // zero bytes
  "not-midi", // does not start with an "MThd" chunk
  "header-too-short", // the MThd chunk declares fewer than 6 bytes
  "truncated", // the data ends inside a chunk header, an event, or before the declared number of tracks
  "not-a-track-chunk", // a chunk where a track is expected is not "MTrk" (mido does not skip unknown chunks)
  "running-status-without-status", // a data byte where a status byte is needed and no status came before
  "undefined-status-byte", // 0xF4, 0xF5, 0xF9 or 0xFD
  "data-byte-out-of-range", // a data byte above 127 in a channel, system or SysEx message
  "wrong-message-length", // running status applied to a one-byte system message
  "message-too-long", // a SysEx or meta payload longer than mido's 1,000,000-byte limit
  "meta-too-short", // a meta event too short for its type (e.g. a tempo with 2 bytes)
  "meta-value-out-of-range", // a meta field mido's checks refuse (SMPTE minutes 60+, some time-signature denominators)
  "invalid-key-signature", // a key signature outside -7..7 accidentals or mode 0..1
  // pretty_midi: whole-file checks
  "ticks-per-beat-zero", // division 0: pretty_midi divides by it
  "zero-tracks", // the header declares no tracks (or a negative count)
  "tempo-zero", // a set_tempo of 0 µs per beat on track 0
  "empty-track", // a track chunk with no events at all
  "max-tick-exceeded", // an event at tick 10,000,000 or later (pretty_midi.MAX_TICK)
  "time-signature-invalid", // a time signature on track 0 with numerator 0
  "negative-event-time", // SMPTE division puts a key/time signature on track 0 before 0 s
] as const;

export type MidiFormatReason = (typeof MIDI_FORMAT_REASONS)[number];

/**
 * The bytes are not a MIDI file that pretty_midi would load. Always the caller's data, never
 * retryable: reading the same bytes again gives the same answer.
 */
export class MidiFormatError extends Error {
  readonly fault = "client" as const;
  readonly retryable = false;

  constructor(
    readonly reason: MidiFormatReason,
    message: string,
    /** Byte offset in the file where the problem was detected, when the problem has a place. */
    readonly offset?: number,
  ) {
    super(offset === undefined ? `${reason}: ${message}` : `${reason} at byte ${offset}: ${message}`);
    this.name = "MidiFormatError";
  }
}
