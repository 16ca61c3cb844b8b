import { describe, expect, it } from "vitest";
import type { FaultPoint } from "./fault-point.ts";
import type { ScheduleExplorationResult } from "./schedule-exploration.ts";
import { schedulesJUnit } from "./schedule-reports.ts";
import type { ScheduleResult } from "./schedule-run.ts";

const POINTS: readonly FaultPoint[] = [{ name: "pg COMMIT", target: { service: "postgres", call: "commit" }, count: 6 }];
const exit = { code: 0, signal: null, timedOut: false, outputTail: "Scale pipeline summary", durationMs: 900 };

const run = (green: boolean, nth: number, phase: "drawn" | "shrinking"): ScheduleResult & { phase: "drawn" | "shrinking" } => ({
  schedule: [{ point: "pg COMMIT", kind: "commit-ack-lost", nth }],
  verdict: green
    ? { green, kind: "completed-identical", reason: "completed despite the fault" }
    : { green, kind: "completed-with-different-tables", reason: "exited 0 with tables unlike the golden run's: pairs <1 extra>" },
  faults: [
    { fault: { point: "pg COMMIT", kind: "commit-ack-lost", nth }, fired: true, description: `commit-ack-lost at the ${nth}th`, observed: "COMMIT (match 2)" },
  ],
  first: exit,
  durationMs: 1_250,
  phase,
});

describe("schedulesJUnit", () => {
  it("has one test case per schedule run, a red one failing with its verdict, its faults and its replay line", () => {
    const result: ScheduleExplorationResult = {
      startedAt: "2026-12-07T15:00:00.000Z",
      durationMs: 9_000,
      corpusObjects: 10,
      golden: { durationMs: 1_000, instruments: 137, pairs: 3 },
      points: POINTS,
      seed: 42,
      runs: [run(true, 1, "drawn"), run(false, 5, "drawn"), run(false, 4, "shrinking")],
      interrupted: false,
    };
    const xml = schedulesJUnit(result);
    expect(xml).toContain('<testsuites name="chaos-control explore --schedules" tests="3" failures="2" errors="0" time="9.000">');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('name="seed 42 schedule 1: 1. commit-ack-lost at the 1st of 6 reaches of pg COMMIT" time="1.250"><system-out>completed-identical');
    expect(xml).toContain('name="seed 42 shrinking 1: 1. commit-ack-lost at the 4th of 6 reaches of pg COMMIT"');
    expect(xml).toContain(`<failure message="completed-with-different-tables: exited 0 with tables unlike the golden run&apos;s: pairs &lt;1 extra&gt;"`);
    expect(xml).toContain(
      `replay: npm run explore -- --schedule &apos;[{&quot;point&quot;:&quot;pg COMMIT&quot;,&quot;kind&quot;:&quot;commit-ack-lost&quot;,&quot;nth&quot;:4}]&apos;`,
    );
  });
});
