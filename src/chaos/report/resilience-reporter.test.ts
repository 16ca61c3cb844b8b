import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TestSpecification, Vitest } from "vitest/node";
import { EXPLORATION_FILE } from "./exploration-file.ts";
import ResilienceReporter, { SCENARIOS_PROJECT } from "./resilience-reporter.ts";
import { sampleExploration } from "./testing/sample-exploration.ts";

const specificationIn = (project: string) => ({ project: { name: project } }) as unknown as TestSpecification;

describe("the resilience reporter and the exploration journal", () => {
  let dir: string;
  let printed: string;
  let reporter: ResilienceReporter;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "resilience-reporter-"));
    vi.stubEnv("CHAOS_REPORTS_DIR", dir);
    printed = "";
    reporter = new ResilienceReporter();
    reporter.onInit({ logger: { outputStream: { write: (text: string) => (printed += text) } } } as unknown as Vitest);
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  it("removes the previous run's explore.json at the start, and shows the one this run wrote as a section and a tally", async () => {
    await writeFile(join(dir, EXPLORATION_FILE), JSON.stringify({ ...sampleExploration(), startedAt: "an earlier run" }));
    await reporter.onTestRunStart([specificationIn(SCENARIOS_PROJECT)]);
    await expect(stat(join(dir, EXPLORATION_FILE))).rejects.toMatchObject({ code: "ENOENT" });

    await writeFile(join(dir, EXPLORATION_FILE), JSON.stringify(sampleExploration()));
    await reporter.onTestRunEnd();
    const page = await readFile(join(dir, "resilience.html"), "utf8");
    expect(page).toContain(`<section class="exploration" id="exploration">`);
    expect(page).toContain(sampleExploration().startedAt);
    expect(printed).toContain("Resilience report (0 experiments)");
    expect(printed).toContain("Exploration: 22 cells: 19 green, 3 red (1 not reached); 2/3 planned points reached");
  });

  it("leaves explore.json and the report alone when no scenario ran", async () => {
    await writeFile(join(dir, EXPLORATION_FILE), JSON.stringify(sampleExploration()));
    await reporter.onTestRunStart([specificationIn("unit")]);
    await reporter.onTestRunEnd();
    expect(JSON.parse(await readFile(join(dir, EXPLORATION_FILE), "utf8"))).toEqual(sampleExploration());
    await expect(stat(join(dir, "resilience.html"))).rejects.toMatchObject({ code: "ENOENT" });
    expect(printed).toBe("");
  });
});
