import { describe, expect, it } from "vitest";
import type { CellVerdict } from "./cell-oracle.ts";
import { isPointFault, parseSchedule, type FaultSchedule } from "./fault-schedule.ts";
import type { FaultPoint } from "./fault-point.ts";
import { describeFailure, searchSchedules, type JudgedSchedule } from "./schedule-search.ts";

const POINTS: readonly FaultPoint[] = [
  { name: "s3 GetObject", target: { service: "s3", operation: "GetObject" }, count: 10 },
  { name: "pg BEGIN", target: { service: "postgres", call: "begin" }, count: 6 },
  { name: "pg COMMIT", target: { service: "postgres", call: "commit" }, count: 6 },
];

const GREEN: CellVerdict = { green: true, kind: "completed-identical", reason: "tables equal the golden run's" };
const RED: CellVerdict = { green: false, kind: "completed-with-different-tables", reason: "filepair_similarity_score: 1 extra" };

/** A fake oracle with a seeded bug: a lost COMMIT acknowledgement from the 3rd COMMIT on doubles a row, whatever else the schedule does. */
const buggy = async (schedule: FaultSchedule): Promise<JudgedSchedule> => ({
  schedule,
  verdict: schedule.some((fault) => isPointFault(fault) && fault.point === "pg COMMIT" && fault.kind === "commit-ack-lost" && fault.nth >= 3) ? RED : GREEN,
});

describe("searchSchedules", () => {
  it("shrinks a failing schedule to the smallest one that still fails, and prints it with its replay line", async () => {
    const result = await searchSchedules(POINTS, buggy, { seed: 4, runs: 300, shrinkRuns: 1_000 });
    expect(result.failure).toBeDefined();
    const { original, shrunk } = result.failure!;
    expect(original.verdict.green).toBe(false);
    expect(shrunk.schedule).toEqual([{ point: "pg COMMIT", kind: "commit-ack-lost", nth: 3 }]);
    expect(shrunk.verdict).toEqual(RED);
    expect(result.runs.filter((run) => run.phase === "drawn").at(-1)).toMatchObject({ schedule: original.schedule });
    const printed = describeFailure(result.failure!, POINTS);
    expect(printed).toContain("1. commit-ack-lost at the 3rd of 6 reaches of pg COMMIT");
    expect(printed).toContain("verdict: completed-with-different-tables: filepair_similarity_score: 1 extra");
    const replay = /^replay: npm run explore -- --schedule '(.*)'$/m.exec(printed);
    expect(replay?.[1]).toBeDefined();
    expect(parseSchedule(replay![1]!)).toEqual(shrunk.schedule);
  });

  it("stops shrinking at its budget of runs, reporting the smallest red schedule found so far", async () => {
    const result = await searchSchedules(POINTS, buggy, { seed: 4, runs: 300, shrinkRuns: 2 });
    expect(result.runs.filter((run) => run.phase === "shrinking").length).toBeLessThanOrEqual(2);
    expect(result.failure?.shrunk.verdict.green).toBe(false);
    expect(result.failure!.shrunk.schedule.length).toBeLessThanOrEqual(result.failure!.original.schedule.length);
  });

  it("passes when every drawn schedule is green, having run exactly that many", async () => {
    const seen: FaultSchedule[] = [];
    const result = await searchSchedules(POINTS, async (schedule) => (seen.push(schedule), { schedule, verdict: GREEN }), { seed: 1, runs: 7 });
    expect(result.failure).toBeUndefined();
    expect(seen).toHaveLength(7);
    expect(result.runs.every((run) => run.phase === "drawn")).toBe(true);
  });

  it("draws the same schedules again from the same seed and points", async () => {
    const draw = async () =>
      (await searchSchedules(POINTS, async (schedule) => ({ schedule, verdict: GREEN }), { seed: 77, runs: 4 })).runs.map((run) => run.schedule);
    expect(await draw()).toEqual(await draw());
  });

  it("ends on an error of the runner (broken infrastructure is no red schedule) and throws it", async () => {
    let calls = 0;
    const failing = async (): Promise<JudgedSchedule> => {
      calls++;
      throw new Error("environment failure: postgres did not start");
    };
    await expect(searchSchedules(POINTS, failing, { seed: 1, runs: 5 })).rejects.toThrow("environment failure: postgres did not start");
    expect(calls).toBe(1);
  });

  it("stops after the run at hand when its signal is aborted", async () => {
    const controller = new AbortController();
    let calls = 0;
    const result = await searchSchedules(POINTS, async (schedule) => (++calls === 2 && controller.abort(), { schedule, verdict: GREEN }), {
      seed: 1,
      runs: 10,
      signal: controller.signal,
    });
    expect(calls).toBe(2);
    expect(result.interrupted).toBe(true);
  });
});
