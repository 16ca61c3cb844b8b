import { describe, expect, it } from "vitest";
import { RuleSet } from "./rule-set.ts";
import { PostgresRuleValidationError, resolveRuleSpec, type PostgresRuleSpec } from "./rule-spec.ts";
import { describeStatement } from "./statement.ts";

function fieldOf(spec: unknown): string {
  try {
    resolveRuleSpec(spec as PostgresRuleSpec);
  } catch (error) {
    expect(error).toBeInstanceOf(PostgresRuleValidationError);
    return (error as PostgresRuleValidationError).field;
  }
  throw new Error("expected the spec to be rejected");
}

describe("resolveRuleSpec", () => {
  it("names the field at fault", () => {
    expect(fieldOf({ type: "explode" })).toBe("type");
    expect(fieldOf({ type: "error", match: { kind: "query" }, sqlstate: "4001" })).toBe("sqlstate");
    expect(fieldOf({ type: "error", sqlstate: "40001" })).toBe("match");
    expect(fieldOf({ type: "error", match: { kind: "select" }, sqlstate: "40001" })).toBe("match.kind");
    expect(fieldOf({ type: "error", match: { pattern: "INSERT" }, sqlstate: "40001" })).toBe("match.pattern");
    expect(fieldOf({ type: "error", match: { normalized: "" }, sqlstate: "40001" })).toBe("match.normalized");
    expect(fieldOf({ type: "reset", match: {}, occurrence: { nth: 0 } })).toBe("occurrence.nth");
    expect(fieldOf({ type: "reset", match: {}, occurrence: { nth: 1, every: true } })).toBe("occurrence");
    expect(fieldOf({ type: "reset", match: {}, occurrence: { probability: 2, seed: 1 } })).toBe("occurrence.probability");
    expect(fieldOf({ type: "hold", match: {}, delayMs: -1 })).toBe("delayMs");
    expect(fieldOf({ type: "cutMidCopy", afterBytes: 1.5 })).toBe("afterBytes");
  });

  it("fills in defaults: FATAL for 57P01 and class 08, the COMMIT and COPY kinds, one CopyData message", () => {
    expect(resolveRuleSpec({ type: "error", match: {}, sqlstate: "57P01" })).toMatchObject({ severity: "FATAL", occurrence: { every: true } });
    expect(resolveRuleSpec({ type: "error", match: {}, sqlstate: "08006" })).toMatchObject({ severity: "FATAL" });
    expect(resolveRuleSpec({ type: "error", match: {}, sqlstate: "40001" })).toMatchObject({ severity: "ERROR" });
    expect(resolveRuleSpec({ type: "commitAckLost" })).toMatchObject({ match: { kinds: ["commit"] } });
    expect(resolveRuleSpec({ type: "cutMidCopy" })).toMatchObject({ match: { kinds: ["copy"] }, afterMessages: 1, afterBytes: undefined });
  });
});

describe("RuleSet", () => {
  const insert = describeStatement("INSERT INTO t VALUES (1)", "simple");

  it("fires a probability rule on the same matches for the same seed", () => {
    const firings = (seed: number): boolean[] => {
      const rules = new RuleSet();
      rules.add(resolveRuleSpec({ type: "reset", match: { kind: "query" }, occurrence: { probability: 0.3, seed } }) as never);
      return Array.from({ length: 40 }, () => rules.evaluate(insert, 1) !== undefined);
    };
    expect(firings(7)).toEqual(firings(7));
    expect(firings(7)).not.toEqual(firings(8));
    expect(firings(7).filter(Boolean).length).toBeGreaterThan(3);
    expect(firings(7).filter(Boolean).length).toBeLessThan(25);
  });

  it("matches by normalised text: the same statement with other literals, never another statement", () => {
    const rules = new RuleSet();
    const rule = rules.add(resolveRuleSpec({ type: "reset", match: { normalized: "INSERT INTO t VALUES (?)" }, occurrence: { nth: 2 } }) as never);
    expect(rules.evaluate(describeStatement("INSERT INTO u VALUES (1)", "simple"), 1)).toBeUndefined();
    expect(rules.evaluate(describeStatement("INSERT INTO t VALUES (7)", "simple"), 1)).toBeUndefined();
    expect(rules.evaluate(describeStatement("insert into T values (1)", "simple"), 1)).toBeUndefined();
    expect(rules.evaluate(describeStatement("INSERT  INTO t VALUES ('x')", "simple"), 1)?.rule.type).toBe("reset");
    expect(rule.observations.matched.map((match) => match.occurrence)).toEqual([1, 2]);
  });

  it("applies the first rule that fires; a later matching rule still counts the statement", () => {
    const rules = new RuleSet();
    const first = rules.add(resolveRuleSpec({ type: "hold", match: { pattern: /INSERT/ }, delayMs: 1 }) as never);
    const second = rules.add(resolveRuleSpec({ type: "reset", match: { kind: "query" }, occurrence: { nth: 1 } }) as never);
    expect(rules.evaluate(insert, 1)?.rule.type).toBe("hold");
    expect(second.observations.matched).toMatchObject([{ occurrence: 1, fired: false }]);
    void first.remove();
    void first.remove();
    expect(rules.size).toBe(1);
  });
});

describe("describeStatement", () => {
  it("classifies transaction control and COPY, and normalises literals, numbers and parameters", () => {
    expect(describeStatement("  begin", "simple").kind).toBe("begin");
    expect(describeStatement("START TRANSACTION ISOLATION LEVEL SERIALIZABLE", "simple").kind).toBe("begin");
    expect(describeStatement("COMMIT", "simple").kind).toBe("commit");
    expect(describeStatement("-- note\nROLLBACK", "simple").kind).toBe("rollback");
    expect(describeStatement("COPY filename_instrument (filename, instrument) FROM STDIN", "simple")).toMatchObject({
      kind: "copy",
      copyTable: "filename_instrument",
    });
    expect(describeStatement("DELETE FROM t WHERE k = ANY($1::text[]) AND n > 42 AND s = 'it''s'", "extended").normalized).toBe(
      "DELETE FROM t WHERE k = ANY(?::text[]) AND n > ? AND s = ?",
    );
    expect(describeStatement("SELECT x1, 2.5e3\n\n FROM t2;", "simple").normalized).toBe("SELECT x1, ? FROM t2");
  });
});
