import { spawnSync } from "node:child_process";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { checkScheduleAgainst, describeSchedule, faultSlot, MAX_SCHEDULED_FAULTS, parseSchedule, scheduleJson, type FaultSchedule } from "./fault-schedule.ts";
import { applicableKinds } from "./exploration-plan.ts";
import type { FaultPoint } from "./fault-point.ts";
import { faultScheduleArbitrary } from "./schedule-arbitrary.ts";
import { scheduleReplayCommand } from "./replay-command.ts";

/** Points as a recording lists them; one statement carries a quote, as normalised SQL may. */
const POINTS: readonly FaultPoint[] = [
  { name: "s3 ListObjectsV2", target: { service: "s3", operation: "ListObjectsV2" }, count: 1 },
  { name: "s3 GetObject", target: { service: "s3", operation: "GetObject" }, count: 10 },
  { name: "pg BEGIN", target: { service: "postgres", call: "begin" }, count: 6 },
  {
    name: "pg UPDATE run SET status = 'done' …",
    target: { service: "postgres", call: "statement", kind: "query", normalized: "UPDATE run SET status = 'done' WHERE id = $1" },
    count: 2,
  },
  { name: "pg COMMIT", target: { service: "postgres", call: "commit" }, count: 6 },
];

describe("faultScheduleArbitrary: generation within the limits", () => {
  test.prop([faultScheduleArbitrary(POINTS)], { seed: 12, numRuns: 300 })(
    "1 to 3 faults, each at a recorded point with a kind that applies there and a reach it had, no slot twice",
    (schedule) => {
      expect(schedule.length).toBeGreaterThanOrEqual(1);
      expect(schedule.length).toBeLessThanOrEqual(MAX_SCHEDULED_FAULTS);
      expect(new Set(schedule.map(faultSlot)).size).toBe(schedule.length);
      for (const fault of schedule) {
        if (!("point" in fault)) {
          expect([0, 20, 40, 60]).toContain(fault.atPercent);
          expect(fault.durationMs).toBeGreaterThanOrEqual(100);
          expect(fault.durationMs).toBeLessThanOrEqual(4_000);
          continue;
        }
        const point = POINTS.find((each) => each.name === fault.point);
        expect(point, fault.point).toBeDefined();
        expect(applicableKinds(point!)).toContain(fault.kind);
        expect(fault.nth).toBeGreaterThanOrEqual(1);
        expect(fault.nth).toBeLessThanOrEqual(point!.count);
      }
    },
  );

  it("draws both kinds of fault, every point, and schedules of every length", () => {
    const drawn = fc.sample(faultScheduleArbitrary(POINTS), { seed: 3, numRuns: 400 });
    expect(new Set(drawn.map((schedule) => schedule.length))).toEqual(new Set([1, 2, 3]));
    const faults = drawn.flat();
    expect(new Set(faults.map((fault) => ("point" in fault ? fault.point : "progress")))).toEqual(new Set([...POINTS.map((point) => point.name), "progress"]));
    expect(new Set(faults.flatMap((fault) => ("fault" in fault ? [fault.fault] : [])))).toEqual(new Set(["partition", "latency", "kill"]));
  });

  it("draws the same schedules for the same seed", () => {
    const draw = () => fc.sample(faultScheduleArbitrary(POINTS), { seed: 99, numRuns: 5 });
    expect(draw()).toEqual(draw());
  });
});

describe("a schedule's JSON and replay line round-trip", () => {
  test.prop([faultScheduleArbitrary(POINTS)], { seed: 5, numRuns: 200 })(
    "parseSchedule(scheduleJson(s)) is s, and it checks out against the points",
    (schedule) => {
      const again = parseSchedule(scheduleJson(schedule));
      expect(again).toEqual(schedule);
      expect(() => checkScheduleAgainst(again, POINTS)).not.toThrow();
    },
  );

  it("the replay line hands a shell exactly the JSON, quotes in statement names included", () => {
    const schedule: FaultSchedule = [
      { point: "pg UPDATE run SET status = 'done' …", kind: "reset", nth: 2 },
      { fault: "partition", service: "s3", atPercent: 40, durationMs: 800 },
    ];
    const line = scheduleReplayCommand(schedule);
    expect(line).toMatch(/^npm run explore -- --schedule '/);
    const argument = line.slice("npm run explore -- --schedule ".length);
    const echoed = spawnSync("sh", ["-c", `printf %s ${argument}`], { encoding: "utf8" });
    expect(echoed.status).toBe(0);
    expect(parseSchedule(echoed.stdout)).toEqual(schedule);
  });

  it("describes each fault in plain words", () => {
    expect(
      describeSchedule(
        [
          { point: "pg COMMIT", kind: "commit-ack-lost", nth: 2 },
          { fault: "kill", service: "postgres", atPercent: 20, durationMs: 1_500 },
        ],
        POINTS,
      ),
    ).toBe("1. commit-ack-lost at the 2nd of 6 reaches of pg COMMIT\n2. postgres killed (SIGKILL) and down for 1500 ms from 20 % of the objects committed");
  });
});

describe("parseSchedule and checkScheduleAgainst: errors name the field", () => {
  const problem = (json: string) => {
    try {
      checkScheduleAgainst(parseSchedule(json), POINTS);
      return "accepted";
    } catch (error) {
      return (error as Error).message;
    }
  };

  it("refuses malformed schedules", () => {
    expect(problem("{")).toMatch(/^schedule: is not JSON/);
    expect(problem("[]")).toMatch(/^schedule: must be an array of 1 to 3 faults/);
    expect(problem(JSON.stringify(Array(4).fill({ point: "pg COMMIT", kind: "reset", nth: 1 })))).toMatch(/^schedule: must be an array of 1 to 3/);
    expect(problem('[{"point":"pg COMMIT","kind":"melt","nth":1}]')).toBe(
      'faults[0].kind: must be one of transient-error, permanent-error, hang, reset, commit-ack-lost, write-conflict, pooler-error, truncated-body, corrupted-body, sigkill, got "melt"',
    );
    expect(problem('[{"point":"pg COMMIT","kind":"reset","nth":0}]')).toMatch(/^faults\[0\]\.nth: must be an integer 1\.\., got 0/);
    expect(problem('[{"point":"pg COMMIT","kind":"reset","nth":1,"when":3}]')).toMatch(/^faults\[0\]\.when: is not a field here/);
    expect(problem('[{"fault":"partition","service":"s3","atPercent":50,"durationMs":500}]')).toBe("faults[0].atPercent: must be one of 0, 20, 40, 60");
    expect(problem('[{"fault":"partition","service":"kafka","atPercent":0,"durationMs":500}]')).toMatch(/^faults\[0\]\.service: must be one of postgres, s3/);
    expect(problem('[{"fault":"latency","service":"s3","atPercent":0,"durationMs":60000}]')).toMatch(
      /^faults\[0\]\.durationMs: must be an integer 100\.\.4000/,
    );
    expect(problem('[{"service":"s3"}]')).toBe("faults[0]: needs point (a fault point) or fault (a progress fault)");
    expect(problem('[{"point":"pg COMMIT","kind":"reset","nth":1},{"point":"pg COMMIT","kind":"hang","nth":2}]')).toBe(
      "faults[1]: shares its point pg COMMIT with an earlier fault",
    );
  });

  it("refuses points the recording did not reach, kinds that do not apply there, and reaches past the count", () => {
    expect(problem('[{"point":"pg VACUUM","kind":"reset","nth":1}]')).toMatch(
      /^faults\[0\]\.point: "pg VACUUM" is not a fault point of the recording run \(s3 ListObjectsV2, /,
    );
    expect(problem('[{"point":"s3 GetObject","kind":"commit-ack-lost","nth":1}]')).toMatch(
      /^faults\[0\]\.kind: commit-ack-lost does not apply to s3 GetObject/,
    );
    expect(problem('[{"point":"pg COMMIT","kind":"reset","nth":7}]')).toBe("faults[0].nth: must be 1..6: the recording run reached pg COMMIT 6 times");
    expect(problem('[{"point":"pg COMMIT","kind":"reset","nth":6}]')).toBe("accepted");
  });
});
