import type { MidiBytesReader } from "./midi-bytes-reader.ts";
import { MidiFormatError } from "./midi-format-error.ts";
import { checkMetaDecodes } from "./meta-event-check.ts";

/** Receives a track's events in file order, with absolute ticks (sum of delta times since the track start). */
export interface MidiEventHandler {
  startTrack(track: number): void;
  /** Note-on (0x9n) with its velocity; velocity 0 is left to the handler to treat as a note-off. */
  noteOn(channel: number, pitch: number, velocity: number, tick: number): void;
  /** Note-off (0x8n). */
  noteOff(channel: number, pitch: number, tick: number): void;
  programChange(channel: number, program: number): void;
  /** A meta event that mido decoded without error; the payload is `bytes[start, start + length)`. */
  meta(type: number, bytes: Uint8Array, start: number, length: number, tick: number): void;
  /** `events` counts every message including meta and SysEx; `lastTick` is the track's largest tick. */
  endTrack(events: number, lastTick: number): void;
}

/** mido's MAX_MESSAGE_LENGTH: longer SysEx or meta payloads are refused before they are read. */
const MAX_MESSAGE_LENGTH = 1_000_000;

/**
 * Reads one track chunk exactly as mido 1.2.x's `read_track` does:
 * - the chunk must be "MTrk" (unknown chunks are an error, not skipped);
 * - events are read until the position equals the declared end, so events after End of Track
 *   still count, and a length that ends inside an event makes the reader run on until the file
 *   ends or a byte is refused (mido never resynchronises);
 * - running status is set by every status byte except 0xFF, SysEx and system messages included.
 */
export function readTrack(reader: MidiBytesReader, track: number, handler: MidiEventHandler): void {
  reader.require(8, `the chunk header of track ${track}`);
  if (!reader.hasId("MTrk")) {
    throw new MidiFormatError("not-a-track-chunk", `no MTrk chunk at the start of track ${track}`, reader.pos);
  }
  reader.pos += 4;
  const end = reader.u32("a track length") + reader.pos;
  const bytes = reader.bytes;
  handler.startTrack(track);
  let tick = 0;
  let events = 0;
  let runningStatus = -1;
  while (reader.pos !== end) {
    tick += reader.vlq("a delta time");
    const at = reader.pos;
    let status = reader.u8("an event");
    let peeked = -1;
    if (status < 0x80) {
      if (runningStatus < 0) throw new MidiFormatError("running-status-without-status", "data byte with no running status", at);
      peeked = status;
      status = runningStatus;
    } else if (status !== 0xff) {
      runningStatus = status;
    }

    if (status < 0xf0) {
      const kind = status & 0xf0;
      const dataBytes = kind === 0xc0 || kind === 0xd0 ? 1 : 2;
      reader.require(peeked < 0 ? dataBytes : dataBytes - 1, "a channel message");
      const d1 = peeked < 0 ? bytes[reader.pos++]! : peeked;
      const d2 = dataBytes === 2 ? bytes[reader.pos++]! : 0;
      if ((d1 | d2) > 127) throw new MidiFormatError("data-byte-out-of-range", `data byte above 127 after status 0x${status.toString(16)}`, at);
      if (kind === 0x90) handler.noteOn(status & 0x0f, d1, d2, tick);
      else if (kind === 0x80) handler.noteOff(status & 0x0f, d1, tick);
      else if (kind === 0xc0) handler.programChange(status & 0x0f, d1);
    } else if (status === 0xff) {
      const type = reader.u8("a meta event type");
      const length = payloadLength(reader, "a meta event", at);
      checkMetaDecodes(type, bytes, reader.pos, length, at);
      handler.meta(type, bytes, reader.pos, length, tick);
      reader.pos += length;
    } else if (status === 0xf0 || status === 0xf7) {
      // mido drops a running-status data byte here: the length is read from the next byte on.
      const length = payloadLength(reader, "a SysEx message", at);
      checkSysexData(bytes, reader.pos, length, at);
      reader.pos += length;
    } else {
      readSystemMessage(reader, status, peeked, at);
    }
    events++;
  }
  handler.endTrack(events, tick);
}

function payloadLength(reader: MidiBytesReader, what: string, at: number): number {
  const length = reader.vlq(`the length of ${what}`);
  if (length > MAX_MESSAGE_LENGTH) {
    throw new MidiFormatError("message-too-long", `${what} declares ${length} bytes, more than ${MAX_MESSAGE_LENGTH}`, at);
  }
  reader.require(length, what);
  return length;
}

/** mido strips one leading 0xF0 and one trailing 0xF7, then refuses any other byte above 127. */
function checkSysexData(bytes: Uint8Array, start: number, length: number, at: number): void {
  let from = start;
  let to = start + length;
  if (to > from && bytes[from] === 0xf0) from++;
  if (to > from && bytes[to - 1] === 0xf7) to--;
  for (let i = from; i < to; i++) {
    if (bytes[i]! > 127) throw new MidiFormatError("data-byte-out-of-range", "SysEx data byte above 127", at);
  }
}

/** System common and real-time messages, with mido's lengths (status byte included). */
function systemMessageLength(status: number): number {
  switch (status) {
    case 0xf2:
      return 3;
    case 0xf1:
    case 0xf3:
      return 2;
    case 0xf6:
    case 0xf8:
    case 0xfa:
    case 0xfb:
    case 0xfc:
    case 0xfe:
      return 1;
    default:
      return 0;
  }
}

function readSystemMessage(reader: MidiBytesReader, status: number, peeked: number, at: number): void {
  const messageLength = systemMessageLength(status);
  if (messageLength === 0) throw new MidiFormatError("undefined-status-byte", `undefined status byte 0x${status.toString(16)}`, at);
  const toRead = messageLength - 1 - (peeked < 0 ? 0 : 1);
  if (toRead < 0) {
    throw new MidiFormatError("wrong-message-length", `running status 0x${status.toString(16)} with a data byte, a one-byte message`, at);
  }
  reader.require(toRead, "a system message");
  for (let i = 0; i < toRead; i++) {
    if (reader.bytes[reader.pos++]! > 127) throw new MidiFormatError("data-byte-out-of-range", `data byte above 127 after status 0x${status.toString(16)}`, at);
  }
}
