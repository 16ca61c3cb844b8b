import { describe, expect, it } from "vitest";
import { FaultParameterError } from "./fault-handle.ts";
import { resolveS3FaultSpec, type S3FaultSpec } from "./s3-fault-spec.ts";

const error = (extra: object): S3FaultSpec => ({ type: "error", status: 503, code: "SlowDown", ...extra });

describe("resolveS3FaultSpec", () => {
  it.each<[string, object, object]>([
    ["no occurrence: every request", {}, { from: 1, count: Infinity }],
    ["nth", { occurrence: { nth: 3 } }, { from: 3, count: 1 }],
    ["from and count", { occurrence: { from: 2, count: 3 } }, { from: 2, count: 3 }],
    ["from alone: that one and every later one", { occurrence: { from: 5 } }, { from: 5, count: Infinity }],
  ])("resolves %s", (_name, extra, occurrence) => {
    expect(resolveS3FaultSpec(error(extra)).occurrence).toEqual(occurrence);
  });

  it("gives every rule kind an occurrence, and a corrupt rule any GetObject match", () => {
    const occurrence = { nth: 2 };
    for (const spec of [
      { type: "latency", latencyMs: 5, occurrence },
      { type: "hang", occurrence },
      { type: "truncate", keepBytes: 1, occurrence },
      { type: "corrupt", occurrence, match: { keyPrefix: "songs/" } },
    ] as S3FaultSpec[]) {
      expect(resolveS3FaultSpec(spec).occurrence).toEqual({ from: 2, count: 1 });
    }
    expect(resolveS3FaultSpec({ type: "corrupt", match: { keys: ["a.mid", "b.mid"] } }).match).toEqual({ operation: "GetObject", keys: ["a.mid", "b.mid"] });
    expect(resolveS3FaultSpec({ type: "corrupt", key: "a.mid", bucket: "midi" }).match).toEqual({ operation: "GetObject", key: "a.mid", bucket: "midi" });
  });

  it.each<[string, S3FaultSpec]>([
    ["occurrence.nth", error({ occurrence: { nth: 0 } })],
    ["occurrence.nth", error({ occurrence: { nth: 1.5 } })],
    ["occurrence.from", error({ occurrence: { from: -1 } })],
    ["occurrence.count", error({ occurrence: { from: 2, count: 0 } })],
    ["occurrence", error({ occurrence: { nth: 2, from: 2 } })],
    ["occurrence", error({ occurrence: {} })],
    ["occurrence", error({ occurrence: 3 })],
    ["match.keys", error({ match: { keys: [] } })],
    ["match.keys[1]", error({ match: { keys: ["a.mid", ""] } })],
    ["match.operation", { type: "corrupt", match: { operation: "ListObjectsV2" } }],
    ["key", { type: "corrupt", key: "a.mid", match: { key: "b.mid" } }],
    ["bucket", { type: "corrupt", bucket: "" }],
    ["type", { type: "stall" } as never],
  ])("rejects a bad %s, naming it", (field, spec) => {
    expect(() => resolveS3FaultSpec(spec)).toThrow(FaultParameterError);
    expect(() => resolveS3FaultSpec(spec)).toThrow(expect.objectContaining({ field }));
  });
});
