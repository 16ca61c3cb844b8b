import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { completedScenario, failedScenarioWithIntegrityDifference } from "./testing/sample-journals.ts";
import { writeResilienceReport } from "./write-report.ts";

let reportsDir: string;

beforeEach(async () => {
  reportsDir = await mkdtemp(join(tmpdir(), "write-report-"));
});

afterEach(async () => {
  await rm(reportsDir, { recursive: true, force: true });
});

describe("writeResilienceReport", () => {
  it("collects reportsDir/journals and writes resilience.json and resilience.html next to them", async () => {
    await mkdir(join(reportsDir, "journals"));
    await writeFile(join(reportsDir, "journals", "a.json"), JSON.stringify(failedScenarioWithIntegrityDifference()));
    await writeFile(join(reportsDir, "journals", "b.json"), JSON.stringify(completedScenario()));

    const written = await writeResilienceReport(reportsDir);

    expect(written.jsonPath).toBe(join(reportsDir, "resilience.json"));
    expect(written.htmlPath).toBe(join(reportsDir, "resilience.html"));
    const json = JSON.parse(await readFile(written.jsonPath, "utf8"));
    expect(json).toEqual(written.report);
    expect(json.journals.map((journal: { id: string }) => journal.id)).toEqual(["postgres-kill-mid-copy", "s3-latency-toxic"]);
    const page = await readFile(written.htmlPath, "utf8");
    expect(page).toContain("kill -9 Postgres mid-COPY");
    expect(page).toContain("S3 downstream latency 2 s");
    expect((await readdir(reportsDir)).sort()).toEqual(["journals", "resilience.html", "resilience.json"]);
  });

  it("writes an empty report when no journal was written", async () => {
    const written = await writeResilienceReport(join(reportsDir, "fresh"));
    expect(written.report.journals).toEqual([]);
    expect(await readFile(written.htmlPath, "utf8")).toContain("No experiment journals were found.");
  });
});
