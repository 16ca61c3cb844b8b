import { describe, expect, it } from "vitest";
import type { TableSnapshot } from "../integrity/index.ts";
import type { CellRunExit } from "./cell-oracle.ts";
import { compareTables } from "./tables-comparison.ts";
import { cutShort, judgeSchedule, type ScheduleOutcome, type ScheduledFaultOutcome } from "./schedule-oracle.ts";

const done: CellRunExit = { code: 0, signal: null, timedOut: false, outputTail: "Scale pipeline summary", durationMs: 1_100 };
const failed = (error: string): CellRunExit => ({ code: 1, signal: null, timedOut: false, outputTail: `pipeline failed: ${error}\n`, durationMs: 800 });
const goldenTables: TableSnapshot = { instruments: [], pairs: [], quarantined: [], recordedKeys: [] };
const equal = compareTables(goldenTables, structuredClone(goldenTables));

const permanent: ScheduledFaultOutcome = {
  fault: { point: "pg COMMIT", kind: "permanent-error", nth: 1 },
  fired: true,
  description: "permanent-error at pg COMMIT",
};
const laterReset: ScheduledFaultOutcome = {
  fault: { point: "pg BEGIN", kind: "reset", nth: 5 },
  fired: false,
  description: "reset at the 5th reach of pg BEGIN",
};
const partition: ScheduledFaultOutcome = {
  fault: { fault: "partition", service: "s3", atPercent: 40, durationMs: 900 },
  fired: true,
  description: "s3 partitioned 900 ms after 40 %",
};

const outcome = (faults: ScheduledFaultOutcome[], fields: Partial<ScheduleOutcome> = {}): ScheduleOutcome => ({
  faults,
  killedByCell: false,
  first: done,
  ...fields,
});

describe("judgeSchedule: a fault cut short by an earlier one", () => {
  it("is fine: the first run failed on a fault that fired, so a later one never got its reach", () => {
    const judged = outcome([permanent, laterReset], { first: failed("error: SQLSTATE 42501 injected"), rerun: done, rerunTables: equal });
    expect(cutShort(judged, judged.faults[1]!)).toBe(true);
    expect(judgeSchedule(judged)).toMatchObject({ green: true, kind: "failed-then-repaired" });
  });

  it("is fine after the schedule's own SIGKILL", () => {
    const kill: ScheduledFaultOutcome = { fault: { point: "s3 GetObject", kind: "sigkill", nth: 2 }, fired: true, description: "sigkill at GetObject" };
    const first = { ...done, code: null, signal: "SIGKILL", outputTail: "files 2/10" };
    const judged = outcome([kill, laterReset], { first, killedByCell: true, rerun: done, rerunTables: equal });
    expect(judgeSchedule(judged)).toMatchObject({ green: true, kind: "killed-then-repaired" });
  });

  it("is a red not-reached when the run completed: it went the whole way, so the fault should have fired", () => {
    const judged = outcome([permanent, laterReset], { firstTables: equal });
    expect(cutShort(judged, judged.faults[1]!)).toBe(false);
    expect(judgeSchedule(judged)).toEqual({ green: false, kind: "not-reached", reason: "never fired (the run exited 0): reset at the 5th reach of pg BEGIN" });
  });

  it("is a red not-reached when no fault fired at all, even if the run failed", () => {
    const judged = outcome([{ ...permanent, fired: false }, laterReset], { first: failed("error: SQLSTATE 42501") });
    expect(judgeSchedule(judged)).toMatchObject({ green: false, kind: "not-reached" });
  });
});

describe("judgeSchedule: the cell oracle for several faults", () => {
  it("accepts a failure that names any fault that fired", () => {
    const first = failed("S3 GetObject failed after 4 attempts: connect ECONNREFUSED 127.0.0.1:41234");
    expect(judgeSchedule(outcome([permanent, partition], { first, rerun: done, rerunTables: equal }))).toMatchObject({ green: true });
  });

  it("refuses a failure that names none of them", () => {
    const first = failed("TypeError: Cannot read properties of undefined (reading 'key')");
    expect(judgeSchedule(outcome([partition], { first, rerun: done, rerunTables: equal }))).toMatchObject({
      green: false,
      kind: "unnamed-failure",
      reason: expect.stringContaining("does not name the s3 partition"),
    });
  });

  it("keeps the forbidden outcomes: exit 0 with other tables, a hang, a rerun that does not repair", () => {
    const pair = { filenameA: "a", filenameB: "b", similarity: 0.5, distance: 0.5 };
    const other = compareTables(goldenTables, { ...goldenTables, pairs: [pair, { ...pair, filenameB: "c" }] });
    expect(other.equal).toBe(false);
    expect(judgeSchedule(outcome([permanent, partition], { firstTables: other }))).toMatchObject({ green: false, kind: "completed-with-different-tables" });
    expect(judgeSchedule(outcome([partition, laterReset], { first: { ...done, code: null, signal: "SIGKILL", timedOut: true } }))).toMatchObject({
      green: false,
      kind: "hang",
    });
    const first = failed("error: SQLSTATE 42501");
    expect(judgeSchedule(outcome([permanent], { first, rerun: done, rerunTables: other }))).toMatchObject({ green: false, kind: "not-repaired" });
  });
});
