import { programToInstrumentName } from "./gm-names.ts";
import type { Instrument } from "./instrument.ts";

const KEYS = 16 * 128;

/**
 * pretty_midi's `_load_instruments` with counters instead of note lists, in O(1) per event.
 *
 * pretty_midi keeps, per (channel, pitch), the list of open note-on ticks. Within a track ticks
 * never decrease, so the entries that share the newest tick are always the tail of that list:
 * the count of open notes, the newest tick and how many opened at it say all pretty_midi asks.
 * A note-off then closes every open note from an earlier tick; notes opened at its own tick stay
 * open only if some earlier note was closed, otherwise pretty_midi forgets them all.
 *
 * Per-track state is invalidated by stamping it with the track number rather than clearing
 * arrays, so files with thousands of tiny tracks stay linear.
 */
export class InstrumentTracker {
  private readonly instruments: Instrument[] = [];
  private stamp = 0;
  private track = -1;
  private readonly programs = new Uint8Array(16);
  private readonly noteStamp = new Int32Array(KEYS);
  private readonly openCount = new Float64Array(KEYS);
  private readonly newestTick = new Float64Array(KEYS);
  private readonly openAtNewestTick = new Float64Array(KEYS);
  private readonly instrumentStamp = new Int32Array(KEYS);
  private readonly instrumentIndex = new Int32Array(KEYS);

  startTrack(track: number): void {
    this.track = track;
    this.stamp++;
    this.programs.fill(0);
  }

  programChange(channel: number, program: number): void {
    this.programs[channel] = program;
  }

  noteOn(channel: number, pitch: number, tick: number): void {
    const key = (channel << 7) | pitch;
    if (this.noteStamp[key] !== this.stamp) {
      this.noteStamp[key] = this.stamp;
      this.openCount[key] = 0;
    }
    if (this.openCount[key] === 0 || this.newestTick[key] !== tick) {
      this.newestTick[key] = tick;
      this.openAtNewestTick[key] = 1;
    } else {
      this.openAtNewestTick[key]!++;
    }
    this.openCount[key]!++;
  }

  noteOff(channel: number, pitch: number, tick: number): void {
    const key = (channel << 7) | pitch;
    if (this.noteStamp[key] !== this.stamp) return;
    const open = this.openCount[key]!;
    if (open === 0) return;
    const kept = this.newestTick[key] === tick ? this.openAtNewestTick[key]! : 0;
    const closed = open - kept;
    if (closed > 0) this.instrumentFor(channel).noteCount += closed;
    this.openCount[key] = closed > 0 && kept > 0 ? kept : 0;
  }

  /** Instruments in the order pretty_midi creates them: by their first closed note. */
  result(): Instrument[] {
    return this.instruments;
  }

  private instrumentFor(channel: number): Instrument {
    const program = this.programs[channel]!;
    const key = (channel << 7) | program;
    if (this.instrumentStamp[key] === this.stamp) return this.instruments[this.instrumentIndex[key]!]!;
    const instrument: Instrument = {
      track: this.track,
      channel,
      program,
      isDrum: channel === 9,
      name: programToInstrumentName(program),
      noteCount: 0,
    };
    this.instrumentStamp[key] = this.stamp;
    this.instrumentIndex[key] = this.instruments.length;
    this.instruments.push(instrument);
    return instrument;
  }
}
