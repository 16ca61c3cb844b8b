import { describe, expect, it } from "vitest";
import { MidiBytesReader } from "./midi-bytes-reader.ts";
import { MidiFormatError } from "./midi-format-error.ts";

describe("MidiBytesReader", () => {
  it("reads variable-length quantities of any length, like mido", () => {
    const reader = new MidiBytesReader(
      Uint8Array.of(0x00, 0x7f, 0x81, 0x00, 0xff, 0xff, 0xff, 0x7f, 0x81, 0x80, 0x80, 0x80, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01),
    );
    const values = [reader.vlq("a"), reader.vlq("b"), reader.vlq("c"), reader.vlq("d"), reader.vlq("e"), reader.vlq("f")];
    expect(values).toEqual([0, 127, 128, 0x0fffffff, 2 ** 28, 1]);
    expect(reader.pos).toBe(19);
  });

  it("reads signed 16-bit and unsigned 32-bit big-endian fields", () => {
    const reader = new MidiBytesReader(Uint8Array.of(0xe7, 0x28, 0xff, 0xff, 0xff, 0xff));
    expect(reader.s16("division")).toBe(-6360);
    expect(reader.u32("length")).toBe(0xffffffff);
  });

  it("throws a truncated MidiFormatError, not a TypeError, at the end of the data", () => {
    const reader = new MidiBytesReader(Uint8Array.of(0x81, 0x82));
    expect(() => reader.vlq("a delta time")).toThrow(MidiFormatError);
    expect(() => reader.u8("a status")).toThrow(/truncated at byte 2: file ends inside a status/);
    reader.pos = 10;
    expect(() => reader.require(1, "an event")).toThrow(/0 left/);
  });
});
