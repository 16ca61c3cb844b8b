/**
 * One instrument of a song as pretty_midi lists it: the notes of one track played on one channel
 * with one program. pretty_midi's `Instrument` keeps the notes; here only their count is kept.
 */
export interface Instrument {
  /** 0-based index of the MIDI track the notes were on. */
  track: number;
  /** 0-based MIDI channel (9 = General MIDI percussion, "channel 10"). */
  channel: number;
  /** General MIDI program 0..127 in effect on that channel of that track at each note's note-off. */
  program: number;
  /** True for channel 9, whatever the program (a drum kit choice). */
  isDrum: boolean;
  /** `pretty_midi.program_to_instrument_name(program)`, for drums too; never the track name. */
  name: string;
  /** Notes closed by a note-off (or a note-on with velocity 0); notes never closed are not counted. */
  noteCount: number;
}
