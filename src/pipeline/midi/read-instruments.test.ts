import { describe, expect, it } from "vitest";
import { chunk, concatBytes, headerChunk, meta, writeMidi, type TrackEvent } from "../../../fixtures/synthetic/midi-writer.ts";
import { readInstruments, type Instrument } from "./index.ts";

const on = (delta: number, channel: number, pitch: number, velocity = 100): TrackEvent => ({ delta, type: "note-on", channel, pitch, velocity });
const off = (delta: number, channel: number, pitch: number): TrackEvent => ({ delta, type: "note-off", channel, pitch });
const program = (delta: number, channel: number, value: number): TrackEvent => ({ delta, type: "program", channel, program: value });

/** The (track, channel, program, noteCount) of each instrument, for compact expectations. */
const summary = (instruments: Instrument[]): number[][] => instruments.map((i) => [i.track, i.channel, i.program, i.noteCount]);
const read = (tracks: TrackEvent[][], options?: Parameters<typeof writeMidi>[1]): number[][] => summary(readInstruments(writeMidi(tracks, options)));

describe("readInstruments", () => {
  it("lists one instrument per track, channel and program, with GM names and drum flags", () => {
    const instruments = readInstruments(writeMidi([[meta.trackName(0, "My Piano"), program(0, 0, 7), on(0, 0, 60), off(96, 0, 60)]]));
    expect(instruments).toEqual([{ track: 0, channel: 0, program: 7, isDrum: false, name: "Clavinet", noteCount: 1 }]);
  });

  it("splits a channel at a program change mid-track", () => {
    expect(read([[on(0, 0, 60), off(10, 0, 60), program(0, 0, 40), on(0, 0, 62), off(10, 0, 62), on(0, 0, 64), off(10, 0, 64)]])).toEqual([
      [0, 0, 0, 1],
      [0, 0, 40, 2],
    ]);
  });

  it("files a note held across a program change under the program in effect at its note-off", () => {
    expect(read([[program(0, 0, 1), on(0, 0, 60), program(10, 0, 30), off(10, 0, 60)]])).toEqual([[0, 0, 30, 1]]);
  });

  it("treats channel 9 as drums whatever the kit program, named after that program", () => {
    const instruments = readInstruments(writeMidi([[program(0, 9, 16), on(0, 9, 36), off(10, 9, 36), program(0, 9, 0), on(0, 9, 38), off(10, 9, 38)]]));
    expect(instruments.map(({ program, isDrum, name }) => ({ program, isDrum, name }))).toEqual([
      { program: 16, isDrum: true, name: "Drawbar Organ" },
      { program: 0, isDrum: true, name: "Acoustic Grand Piano" },
    ]);
  });

  it("drops tracks without closed notes (conductor, empty, controller-only, never released)", () => {
    const conductor = [meta.tempo(0, 500_000), meta.timeSignature(0, 4, 2)];
    const empty = [meta.trackName(0, "empty")];
    const controllers: TrackEvent[] = [
      { delta: 0, type: "control", channel: 3, control: 7, value: 100 },
      { delta: 5, type: "pitch-bend", channel: 3, value: 9000 },
    ];
    const unreleased = [on(0, 4, 60), on(10, 4, 62)];
    const played = [program(0, 5, 33), on(0, 5, 40), off(100, 5, 40)];
    expect(read([conductor, empty, controllers, unreleased, played])).toEqual([[4, 5, 33, 1]]);
  });

  it("keeps instruments of different tracks apart even on the same channel and program", () => {
    expect(
      read([
        [on(0, 0, 60), off(10, 0, 60)],
        [on(0, 0, 60), off(10, 0, 60)],
      ]),
    ).toEqual([
      [0, 0, 0, 1],
      [1, 0, 0, 1],
    ]);
  });

  it("resets every channel to program 0 at the start of each track", () => {
    expect(
      read([
        [program(0, 2, 50), on(0, 2, 60), off(10, 2, 60)],
        [on(0, 2, 60), off(10, 2, 60)],
      ]),
    ).toEqual([
      [0, 2, 50, 1],
      [1, 2, 0, 1],
    ]);
  });

  it("orders instruments by their first closed note, not their first note-on", () => {
    expect(read([[on(0, 1, 60), on(0, 2, 60), off(10, 2, 60), off(10, 1, 60)]])).toEqual([
      [0, 2, 0, 1],
      [0, 1, 0, 1],
    ]);
  });

  it("reads a note-on with velocity 0 as a note-off", () => {
    expect(read([[on(0, 0, 60), on(10, 0, 60, 0)]])).toEqual([[0, 0, 0, 1]]);
  });

  it("closes every earlier note-on of a pitch with one note-off", () => {
    expect(read([[on(0, 0, 60), on(5, 0, 60), on(5, 0, 60), off(5, 0, 60), off(5, 0, 60)]])).toEqual([[0, 0, 0, 3]]);
  });

  it("drops a note whose note-off comes at its own tick when nothing older is open", () => {
    expect(read([[on(0, 0, 60), off(0, 0, 60), off(10, 0, 60)]])).toEqual([]);
  });

  it("keeps a same-tick note-on open when its note-off also closed an older note", () => {
    // Tick 10: the re-struck note survives the note-off that ends the first one.
    expect(read([[on(0, 0, 60), on(10, 0, 60), off(0, 0, 60), off(10, 0, 60)]])).toEqual([[0, 0, 0, 2]]);
  });

  it("ignores note-offs with nothing open and notes never closed", () => {
    expect(read([[off(0, 0, 60), on(0, 0, 61), off(10, 0, 61), on(0, 0, 62)]])).toEqual([[0, 0, 0, 1]]);
  });

  it("reads running status, also across meta events", () => {
    const track = [program(0, 3, 20), on(0, 3, 60), on(0, 3, 64), meta.trackName(1, "x"), on(10, 3, 60, 0), on(0, 3, 64, 0)];
    expect(read([track], { runningStatus: true, runningStatusAcrossMeta: true })).toEqual([[0, 3, 20, 2]]);
  });

  it("reads a type 0 file with all 16 channels as one instrument per channel", () => {
    const track: TrackEvent[] = [];
    for (let channel = 15; channel >= 0; channel--) track.push(program(0, channel, channel * 8), on(0, channel, 60));
    for (let channel = 0; channel < 16; channel++) track.push(off(channel === 0 ? 10 : 0, channel, 60));
    expect(read([track], { format: 0 })).toEqual(Array.from({ length: 16 }, (_, channel) => [0, channel, channel * 8, 1]));
  });

  it("counts events after End of Track as long as they are inside the chunk, as mido does", () => {
    expect(read([[on(0, 0, 60), meta.endOfTrack(5), off(5, 0, 60)]], { endOfTrack: false })).toEqual([[0, 0, 0, 1]]);
  });

  it("accepts an MThd longer than 6 bytes and data after the last track", () => {
    const song = writeMidi([[on(0, 0, 60), off(10, 0, 60)]]);
    const longHeader = concatBytes([chunk("MThd", [0, 0, 0, 1, 0, 96, 9, 9, 9]), song.subarray(14), Uint8Array.of(1, 2, 3)]);
    expect(summary(readInstruments(longHeader))).toEqual([[0, 0, 0, 1]]);
  });

  it("reads only as many tracks as the header declares", () => {
    const song = writeMidi([
      [on(0, 0, 60), off(10, 0, 60)],
      [on(0, 1, 60), off(10, 1, 60)],
    ]);
    expect(summary(readInstruments(concatBytes([headerChunk(1, 1, 480), song.subarray(14)])))).toEqual([[0, 0, 0, 1]]);
  });

  it("accepts SMPTE division and any format number, which mido does not check", () => {
    expect(read([[on(0, 0, 60), off(10, 0, 60)]], { ticksPerBeat: 0xe728, format: 7 })).toEqual([[0, 0, 0, 1]]);
  });

  it("accepts the largest tick pretty_midi allows, 9,999,999", () => {
    expect(read([[on(0, 0, 60), off(9_999_999, 0, 60), meta.endOfTrack(0)]])).toEqual([[0, 0, 0, 1]]);
  });

  it("skips SysEx, system common and real-time messages without disturbing notes", () => {
    const track: TrackEvent[] = [
      { delta: 0, type: "sysex", data: [0x7e, 0x7f, 0x09, 0x01] },
      { delta: 0, type: "raw", bytes: [0xf2, 0x10, 0x20, 0x00, 0xf8, 0x00, 0xf6, 0x00, 0xf7, 0x02, 0x01, 0xf7] },
      on(0, 0, 60),
      off(10, 0, 60),
    ];
    expect(read([track])).toEqual([[0, 0, 0, 1]]);
  });
});
