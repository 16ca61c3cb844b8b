import { MidiFormatError } from "./midi-format-error.ts";

/** pretty_midi.MAX_TICK: it refuses files whose largest tick + 1 exceeds this, to bound its tick-to-time array. */
export const MAX_TICK = 10_000_000;

/**
 * What `PrettyMIDI.__init__` refuses after mido has parsed a file, gathered while the tracks are
 * read and judged at the end in pretty_midi's own order, so that the reason reported is the
 * one pretty_midi would raise first:
 * 1. ticks per beat 0 (`_load_tempo_changes` divides by it);
 * 2. no tracks (it reads `tracks[0]`);
 * 3. a set_tempo of 0 on track 0 (it divides 6e7 by it);
 * 4. a track with no events (`max()` of an empty list);
 * 5. largest tick + 1 > MAX_TICK;
 * 6. on track 0, a time signature with numerator 0, or a key/time signature whose time in
 *    seconds is negative (only with a negative, SMPTE, division and a tick above 0).
 */
export class PrettyMidiChecks {
  private tracks = 0;
  private track = 0;
  private tempoZeroTick = -1;
  private emptyTrack = -1;
  private largestTick = 0;
  private signatureProblem: MidiFormatError | undefined;

  constructor(private readonly ticksPerBeat: number) {}

  startTrack(track: number): void {
    this.track = track;
    this.tracks = track + 1;
  }

  meta(type: number, bytes: Uint8Array, start: number, tick: number): void {
    if (this.track !== 0) return;
    if (type === 0x51) {
      const tempo = (bytes[start]! << 16) | (bytes[start + 1]! << 8) | bytes[start + 2]!;
      if (tempo === 0 && this.tempoZeroTick < 0) this.tempoZeroTick = tick;
    } else if ((type === 0x58 || type === 0x59) && this.signatureProblem === undefined) {
      const kind = type === 0x58 ? "time signature" : "key signature";
      if (type === 0x58 && bytes[start] === 0) {
        this.signatureProblem = new MidiFormatError("time-signature-invalid", `time signature with numerator 0 at tick ${tick}`);
      } else if (this.ticksPerBeat < 0 && tick > 0) {
        this.signatureProblem = new MidiFormatError("negative-event-time", `${kind} at tick ${tick} falls before 0 s with SMPTE division ${this.ticksPerBeat}`);
      }
    }
  }

  endTrack(events: number, lastTick: number): void {
    if (events === 0 && this.emptyTrack < 0) this.emptyTrack = this.track;
    if (lastTick > this.largestTick) this.largestTick = lastTick;
  }

  /** Throws the first problem pretty_midi would raise, if any. */
  verdict(): void {
    if (this.ticksPerBeat === 0) throw new MidiFormatError("ticks-per-beat-zero", "ticks per beat is 0");
    if (this.tracks === 0) throw new MidiFormatError("zero-tracks", "the file has no tracks");
    if (this.tempoZeroTick >= 0) throw new MidiFormatError("tempo-zero", `track 0 sets a tempo of 0 µs per beat at tick ${this.tempoZeroTick}`);
    if (this.emptyTrack >= 0) throw new MidiFormatError("empty-track", `track ${this.emptyTrack} has no events`);
    if (this.largestTick + 1 > MAX_TICK) {
      throw new MidiFormatError("max-tick-exceeded", `largest tick is ${this.largestTick}, likely corrupt (limit ${MAX_TICK - 1})`);
    }
    if (this.signatureProblem !== undefined) throw this.signatureProblem;
  }
}
