import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { completedScenario, failedScenarioWithIntegrityDifference, sampleExploration } from "../chaos/report/testing/index.ts";
import { runReportCommand } from "./report-command.ts";
import { runCaptured } from "./testing/captured-command.ts";

const report = (argv: string[]) => runCaptured(runReportCommand, argv);

describe("chaos-control report", () => {
  it("rebuilds resilience.json and resilience.html from saved journals without running anything", async () => {
    const dir = await mkdtemp(join(tmpdir(), "chaos-report-"));
    try {
      const passed = completedScenario();
      const failed = failedScenarioWithIntegrityDifference();
      await mkdir(join(dir, "journals"));
      await writeFile(join(dir, "journals", `${passed.id}.json`), JSON.stringify(passed));
      await writeFile(join(dir, "journals", `${failed.id}.json`), JSON.stringify(failed));
      const { code, stdout } = await report(["--dir", dir]);
      expect(code).toBe(0);
      expect(stdout).toContain(passed.id);
      const json = JSON.parse(await readFile(join(dir, "resilience.json"), "utf8")) as { journals: { id: string }[] };
      expect(json.journals.map((journal) => journal.id).sort()).toEqual([passed.id, failed.id].sort());
      const html = await readFile(join(dir, "resilience.html"), "utf8");
      expect(html).toContain(failed.id);

      const markdown = await report(["--dir", dir, "--markdown"]);
      expect(markdown.stdout).toMatch(/^\| scenario \| cause \| environment \| status \| recovery \/ budget \| integrity \|\n\| --- /);
      expect(markdown.stdout).toContain(`| ${failed.id} | ${failed.cause} |`);
      expect(markdown.stdout).toContain("FAIL:");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("shows the exploration journal found beside the journals as a section, and its tally", async () => {
    const dir = await mkdtemp(join(tmpdir(), "chaos-report-"));
    try {
      await writeFile(join(dir, "explore.json"), JSON.stringify(sampleExploration()));
      const { code, stdout, stderr } = await report(["--dir", dir]);
      expect(code).toBe(0);
      expect(stderr).not.toContain("the report is empty");
      expect(stdout).not.toContain("scenario");
      expect(stdout).toContain("Exploration: 22 cells: 19 green, 3 red (1 not reached); 2/3 planned points reached");
      expect(await readFile(join(dir, "resilience.html"), "utf8")).toContain(`<section class="exploration" id="exploration">`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names the file and the field of a bad journal and exits 1", async () => {
    const dir = await mkdtemp(join(tmpdir(), "chaos-report-"));
    try {
      await mkdir(join(dir, "journals"));
      await writeFile(join(dir, "journals", "broken.json"), JSON.stringify({ ...completedScenario(), status: "maybe" }));
      const { code, stderr } = await report(["--dir", dir]);
      expect(code).toBe(1);
      expect(stderr).toContain("broken.json");
      expect(stderr).toContain("status");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
