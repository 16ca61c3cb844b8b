import { describe, expect, it } from "vitest";
import { formatSummaryTable } from "./summary-table.ts";
import { buildFault, buildJournal, completedScenario, failedScenarioWithIntegrityDifference } from "./testing/sample-journals.ts";

describe("formatSummaryTable", () => {
  const journals = [
    completedScenario(),
    failedScenarioWithIntegrityDifference(),
    buildJournal({ id: "cpu-pressure", cause: "overload", status: "interrupted" }),
    buildJournal({ id: "postgres-pause", status: "failed", faults: [buildFault({ recoveredAt: null })] }),
  ];
  const lines = formatSummaryTable(journals).split("\n");

  it("has a header, a rule, one row per journal, a rule and a totals line", () => {
    expect(lines).toHaveLength(2 + journals.length + 2);
    expect(lines[0]).toMatch(/^scenario\s+cause\s+status\s+recovery \/ budget\s+integrity$/);
    expect(lines[1]).toMatch(/^-+( {2}-+){4}$/);
  });

  it("aligns every column under its header", () => {
    const header = lines[0] ?? "";
    const starts = ["cause", "status", "recovery", "integrity"].map((name) => header.indexOf(name));
    for (const row of lines.slice(2, 2 + journals.length)) {
      for (const start of starts) expect(row.slice(start - 2, start)).toBe("  ");
      for (const start of starts) expect(row[start]).not.toBe(" ");
    }
  });

  it("shows recovery against budget with a verdict, and the integrity verdict", () => {
    expect(lines[2]).toMatch(/^postgres-kill-mid-copy\s+equipment-failure\s+completed\s+1,200 \/ 5,000 ms ok\s+ok: all 1,204/);
    expect(lines[3]).toMatch(/^s3-latency-toxic\s+overload\s+failed\s+6,500 \/ 4,000 ms OVER\s+FAIL: 3 instrument rows lost, 1 pair duplicated$/);
    expect(lines[4]).toMatch(/^cpu-pressure\s+overload\s+interrupted\s+— \/ 5,000 ms n\/a\s+not checked$/);
    expect(lines[5]).toMatch(/— \/ 5,000 ms NEVER/);
  });

  it("ends with totals", () => {
    expect(lines.at(-1)).toBe(
      "4 scenarios: 1 completed, 2 failed, 1 interrupted · recovery within budget 1/3 (1 not measured) · integrity intact 1/2 (2 not checked)",
    );
  });

  it("prints just the header and zero totals when there are no journals", () => {
    expect(formatSummaryTable([]).split("\n").at(-1)).toBe("0 scenarios · recovery within budget 0/0 · integrity intact 0/0");
  });
});
