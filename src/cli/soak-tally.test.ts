import { describe, expect, it } from "vitest";
import { junitCases } from "./junit-results.ts";
import { formatSoakTally, tallySoak } from "./soak-tally.ts";

const REPORT = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="4" failures="1" errors="0" time="3.2">
  <testsuite name="src/a.test.ts" tests="3">
    <testcase classname="src/a.test.ts" name="pause &gt; stops every process" time="0.5">
      <failure message="expected &apos;R&apos; to be &apos;T&apos;&#10;more" type="AssertionError">stack</failure>
    </testcase>
    <testcase classname="src/a.test.ts" name="kill" time="0.1"></testcase>
    <testcase classname="src/a.test.ts" name="cluster" time="0"><skipped/></testcase>
  </testsuite>
  <testsuite name="scenarios/x.test.ts" tests="1">
    <testcase classname="scenarios/x.test.ts" name="x" time="9"/>
  </testsuite>
</testsuites>`;

describe("junitCases", () => {
  it("reads every case with its outcome and the first line of its failure message, unescaped", () => {
    expect(junitCases(REPORT)).toEqual([
      { id: "src/a.test.ts > pause > stops every process", outcome: "failed", message: "expected 'R' to be 'T'" },
      { id: "src/a.test.ts > kill", outcome: "passed" },
      { id: "src/a.test.ts > cluster", outcome: "skipped" },
      { id: "scenarios/x.test.ts > x", outcome: "passed" },
    ]);
  });
});

describe("tallySoak", () => {
  const cases = junitCases(REPORT);
  const clean = cases.map((testCase) => ({ id: testCase.id, outcome: testCase.outcome === "failed" ? ("passed" as const) : testCase.outcome }));

  it("lists every test that failed in any run with how often, most frequent first", () => {
    const tally = tallySoak([
      { index: 1, exitCode: 1, durationMs: 1, cases },
      { index: 2, exitCode: 0, durationMs: 1, cases: clean },
      {
        index: 3,
        exitCode: 1,
        durationMs: 1,
        cases: [...cases.slice(0, 1), { id: "scenarios/x.test.ts > x", outcome: "failed", message: "recovery took 9,000 ms" }],
      },
    ]);
    expect(tally.failedRuns).toEqual([1, 3]);
    expect(tally.failures.map((failure) => [failure.id, failure.failedRuns])).toEqual([
      ["src/a.test.ts > pause > stops every process", [1, 3]],
      ["scenarios/x.test.ts > x", [3]],
    ]);
    const text = formatSoakTally(tally);
    expect(text).toContain("soak: 3 run(s), 1 without a failure");
    expect(text).toContain("2/3  src/a.test.ts > pause > stops every process  (runs 1, 3)");
  });

  it("counts a run that exited non-zero without a failing case as failed, and says so", () => {
    const tally = tallySoak([{ index: 1, exitCode: 1, durationMs: 1, cases: [] }]);
    expect(tally.failedRuns).toEqual([1]);
    expect(formatSoakTally(tally)).toContain("run 1 exited 1 without a failing test case");
  });

  it("says no test failed only when every run was clean", () => {
    expect(formatSoakTally(tallySoak([{ index: 1, exitCode: 0, durationMs: 1, cases: clean }]))).toBe("soak: 1 run(s), 1 without a failure: no test failed\n");
  });
});
