import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { TestSpecification, Vitest } from "vitest/node";
import DurationSequencer, { RECORDED_DURATIONS_FILE, type RecordedDurations } from "./duration-sequencer.ts";

/** A spec as the sequencer reads it: its project's name and group, and its file. */
function spec(project: string, groupOrder: number, file: string): TestSpecification {
  return { project: { name: project, config: { sequence: { groupOrder } } }, moduleId: `/repo/${file}` } as unknown as TestSpecification;
}

/** A sequencer over Vitest's cache of the last run (`cached`) and the recorded durations (`recorded`). */
function sequencer(cached: Record<string, { failed: boolean; duration: number }>, recorded: RecordedDurations): DurationSequencer {
  const ctx = { config: { root: "/repo" }, cache: { getFileTestResults: (key: string) => cached[key] } } as unknown as Vitest;
  return Object.assign(new DurationSequencer(ctx), { recorded });
}

const order = (specs: TestSpecification[]) => specs.map((each) => `${each.project.name}:${each.moduleId.slice("/repo/".length)}`);

describe("DurationSequencer", () => {
  const files = [
    spec("scenarios", 1, "scenarios/b.test.ts"),
    spec("unit", 0, "src/short.test.ts"),
    spec("unit", 0, "src/long.test.ts"),
    spec("scenarios", 1, "scenarios/a.test.ts"),
    spec("unit", 0, "src/new.test.ts"),
  ];

  it("without Vitest's cache, orders each group longest first by the recorded durations, unknown files first", async () => {
    const recorded = {
      "unit:src/short.test.ts": 100,
      "unit:src/long.test.ts": 60_000,
      "scenarios:scenarios/a.test.ts": 20_000,
      "scenarios:scenarios/b.test.ts": 30_000,
    };
    expect(order(await sequencer({}, recorded).sort(files))).toEqual([
      "unit:src/new.test.ts",
      "unit:src/long.test.ts",
      "unit:src/short.test.ts",
      "scenarios:scenarios/b.test.ts",
      "scenarios:scenarios/a.test.ts",
    ]);
  });

  it("prefers Vitest's cache where it knows a file, failed files first", async () => {
    const recorded = { "unit:src/short.test.ts": 100, "unit:src/long.test.ts": 60_000, "unit:src/new.test.ts": 1 };
    const cached = { "unit:src/short.test.ts": { failed: false, duration: 90_000 }, "unit:src/new.test.ts": { failed: true, duration: 5 } };
    expect(order(await sequencer(cached, recorded).sort(files.filter((each) => each.project.name === "unit")))).toEqual([
      "unit:src/new.test.ts",
      "unit:src/short.test.ts",
      "unit:src/long.test.ts",
    ]);
  });

  it("reads a recording of every file of the suite, in milliseconds", () => {
    const recorded = JSON.parse(readFileSync(RECORDED_DURATIONS_FILE, "utf8")) as RecordedDurations;
    expect(Object.keys(recorded).length).toBeGreaterThan(100);
    expect(Object.entries(recorded).filter(([key, ms]) => !/^(unit|scenarios|scenarios-alone):/.test(key) || !Number.isInteger(ms) || ms < 0)).toEqual([]);
  });
});
