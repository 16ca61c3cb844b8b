import type { Instrument } from "./instrument.ts";
import { InstrumentTracker } from "./instrument-tracker.ts";
import { MidiBytesReader } from "./midi-bytes-reader.ts";
import { PrettyMidiChecks } from "./pretty-midi-checks.ts";
import { readSmfHeader } from "./smf-header.ts";
import { readTrack, type MidiEventHandler } from "./track-reader.ts";

/**
 * The instruments of a Standard MIDI File, exactly as `pretty_midi.PrettyMIDI(file).instruments`
 * lists them on top of mido 1.2.x: one per (track, channel, program) that closed at least one note,
 * in order of creation. Reads the bytes once, in time linear in their length, keeping counts only.
 *
 * @throws MidiFormatError for every input mido or pretty_midi would refuse, with a short `reason`;
 *   never any other error for any bytes.
 */
export function readInstruments(bytes: Uint8Array): Instrument[] {
  const reader = new MidiBytesReader(bytes);
  const header = readSmfHeader(reader);
  const tracker = new InstrumentTracker();
  const checks = new PrettyMidiChecks(header.ticksPerBeat);
  const handler: MidiEventHandler = {
    startTrack(track) {
      tracker.startTrack(track);
      checks.startTrack(track);
    },
    noteOn(channel, pitch, velocity, tick) {
      if (velocity > 0) tracker.noteOn(channel, pitch, tick);
      else tracker.noteOff(channel, pitch, tick);
    },
    noteOff(channel, pitch, tick) {
      tracker.noteOff(channel, pitch, tick);
    },
    programChange(channel, program) {
      tracker.programChange(channel, program);
    },
    meta(type, data, start, _length, tick) {
      checks.meta(type, data, start, tick);
    },
    endTrack(events, lastTick) {
      checks.endTrack(events, lastTick);
    },
  };
  for (let track = 0; track < header.declaredTracks; track++) readTrack(reader, track, handler);
  checks.verdict();
  return tracker.result();
}
