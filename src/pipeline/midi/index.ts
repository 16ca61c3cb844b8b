/** The instrument step: MIDI bytes → the instruments pretty_midi would list. */
export type { Instrument } from "./instrument.ts";
export { readInstruments } from "./read-instruments.ts";
export { MidiFormatError, MIDI_FORMAT_REASONS, type MidiFormatReason } from "./midi-format-error.ts";
export { programToInstrumentName } from "./gm-names.ts";
export { MAX_TICK } from "./pretty-midi-checks.ts";
