import { describe, expect, it } from "vitest";
import { MessageScanner, type ScannedItem } from "./message-scanner.ts";
import { errorResponseMessage, FRONTEND, queryMessage, readyForQueryMessage } from "./protocol.ts";

function typed(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "ascii");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const startup = (() => {
  const body = Buffer.from("\0\x03\0\0user\0postgres\0\0", "latin1");
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([length, body]);
})();
const copyData = typed("d", Buffer.from("1\tone\n".repeat(300)));
const stream = Buffer.concat([
  startup,
  queryMessage("COPY t FROM STDIN"),
  copyData,
  typed("d", Buffer.alloc(0)),
  typed("c", Buffer.alloc(0)),
  typed("S", Buffer.alloc(0)),
]);

/** Scans `bytes` cut into chunks at `cuts`; returns the messages, with streamed pieces joined again. */
function scan(bytes: Buffer, cuts: number[]): { type: number; raw: Buffer; pieces: number }[] {
  const scanner = new MessageScanner((type) => type === FRONTEND.copyData, true);
  const items: ScannedItem[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    items.push(...scanner.push(Buffer.from(bytes.subarray(start, cut))));
    start = cut;
  }
  const messages: { type: number; raw: Buffer; pieces: number }[] = [];
  for (const item of items) {
    if (item.kind === "message") messages.push({ type: item.type, raw: Buffer.from(item.raw), pieces: 0 });
    else if (item.first) messages.push({ type: item.type, raw: Buffer.from(item.raw), pieces: 1 });
    else {
      const last = messages.at(-1)!;
      last.raw = Buffer.concat([last.raw, item.raw]);
      last.pieces++;
    }
  }
  return messages;
}

describe("MessageScanner", () => {
  const whole = scan(stream, []);

  it("finds the untyped startup message and each typed message, exact bytes", () => {
    expect(whole.map((m) => (m.type === 0 ? "startup" : String.fromCharCode(m.type)))).toEqual(["startup", "Q", "d", "d", "c", "S"]);
    expect(Buffer.concat(whole.map((m) => m.raw)).equals(stream)).toBe(true);
  });

  it("gives the same messages wherever the stream is split, one cut or many", () => {
    const expected = whole.map((m) => m.raw.toString("hex"));
    for (let cut = 1; cut < stream.length; cut++) expect(scan(stream, [cut]).map((m) => m.raw.toString("hex"))).toEqual(expected);
    const byteByByte = scan(
      stream,
      Array.from({ length: stream.length - 1 }, (_, i) => i + 1),
    );
    expect(byteByByte.map((m) => m.raw.toString("hex"))).toEqual(expected);
    expect(byteByByte.find((m) => m.type === FRONTEND.copyData)!.pieces).toBe(copyData.length - 4);
  });

  it("hands a message inside one chunk on as a view of that chunk, not a copy", () => {
    const chunk = Buffer.concat([readyForQueryMessage("T"), errorResponseMessage("ERROR", "40001", "x")]);
    const items = new MessageScanner(() => false).push(chunk);
    expect(items.map((item) => item.raw.buffer === chunk.buffer)).toEqual([true, true]);
  });

  it("rejects a length below 4", () => {
    const bad = Buffer.from([0x51, 0, 0, 0, 2]);
    expect(() => new MessageScanner(() => false).push(bad)).toThrow(/invalid length 2/);
  });
});
