import { describe, expect, it } from "vitest";
import { JsonPath } from "./json-path.ts";

const document = {
  status: "ok",
  "dotted.key": { 'quote"d': 1 },
  checks: [
    { name: "db", ok: true },
    { name: "cache", ok: false },
  ],
  empty: null,
};

describe("JsonPath", () => {
  it("reads names, indexes and quoted names", () => {
    expect(JsonPath.parse("$", "p").read(document)).toBe(document);
    expect(JsonPath.parse("$.status", "p").read(document)).toBe("ok");
    expect(JsonPath.parse("$.checks[1].ok", "p").read(document)).toBe(false);
    expect(JsonPath.parse('$[\'dotted.key\']["quote\\"d"]', "p").read(document)).toBe(1);
    expect(JsonPath.parse("$.empty", "p").read(document)).toBeNull();
  });

  it("gives undefined for what is not there, inherited properties included", () => {
    for (const path of ["$.missing", "$.checks[2].name", "$.status.length", "$.checks.length", "$.constructor", "$.checks[0].toString", "$.empty.x", "$[0]"]) {
      expect(JsonPath.parse(path, "p").read(document), path).toBeUndefined();
    }
  });

  it("refuses what it cannot read, naming the field and the position", () => {
    expect(() => JsonPath.parse("status", "body.path")).toThrow('body.path must start with "$", got "status"');
    expect(() => JsonPath.parse("$.checks[*].name", "body.path")).toThrow('body.path: cannot read "$.checks[*].name" at position 8');
    expect(() => JsonPath.parse("$..name", "body.path")).toThrow("at position 1");
  });
});
