import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectJournals } from "./collect-journals.ts";
import { JournalFormatError } from "./journal-format-error.ts";
import { buildFault, buildJournal, completedScenario, failedScenarioWithIntegrityDifference } from "./testing/sample-journals.ts";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "collect-journals-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeJournal(name: string, value: unknown): Promise<void> {
  await writeFile(join(dir, name), typeof value === "string" ? value : JSON.stringify(value));
}

async function collectError(): Promise<JournalFormatError> {
  const error = await collectJournals(dir).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(JournalFormatError);
  return error as JournalFormatError;
}

describe("collectJournals", () => {
  it("reads every *.json journal and sorts them by cause, then id", async () => {
    await writeJournal("z.json", buildJournal({ id: "s3-slowdown", cause: "overload" }));
    await writeJournal("a.json", buildJournal({ id: "postgres-kill", cause: "equipment-failure" }));
    await writeJournal("m.json", buildJournal({ id: "cpu-pressure", cause: "overload" }));
    await writeJournal("notes.txt", "not a journal");
    const report = await collectJournals(dir, { now: new Date("2025-11-24T12:00:00Z") });
    expect(report.schemaVersion).toBe(1);
    expect(report.generatedAt).toBe("2025-11-24T12:00:00.000Z");
    expect(report.journals.map((journal) => journal.id)).toEqual(["postgres-kill", "cpu-pressure", "s3-slowdown"]);
  });

  it("returns an empty report when the directory does not exist (no experiment ran)", async () => {
    const report = await collectJournals(join(dir, "missing"));
    expect(report.journals).toEqual([]);
  });

  it("names the file and the field when the schema version is wrong", async () => {
    await writeJournal("future.json", { ...buildJournal(), schemaVersion: 2 });
    const error = await collectError();
    expect(error.file).toBe(join(dir, "future.json"));
    expect(error.field).toBe("schemaVersion");
    expect(error.message).toBe(`${join(dir, "future.json")}: field "schemaVersion" must be 1, got 2`);
  });

  it("names the file and the field when the id is missing", async () => {
    const { id: _id, ...withoutId } = buildJournal();
    await writeJournal("anonymous.json", withoutId);
    const error = await collectError();
    expect(error.field).toBe("id");
    expect(error.message).toContain("anonymous.json");
    expect(error.message).toContain(`field "id" is required`);
  });

  it("names the file and the field when the status is unknown", async () => {
    await writeJournal("odd.json", { ...buildJournal(), status: "passed" });
    const error = await collectError();
    expect(error.field).toBe("status");
    expect(error.message).toContain(`must be one of completed, failed, aborted, interrupted, got "passed"`);
  });

  it("names the field of a nested value the report needs", async () => {
    await writeJournal("budgetless.json", { ...buildJournal(), budget: {} });
    expect((await collectError()).field).toBe("budget.recoveryMs");
  });

  it("names the field of a malformed rerun record", async () => {
    const firstRun = { startedAt: 0, endedAt: 900, exitCode: 1, signal: null, outputTail: "" };
    await writeJournal("rerun.json", { ...buildJournal(), rerun: { firstRun, quarantinedAfterFirstRun: "none", rerun: null } });
    expect((await collectError()).field).toBe("rerun.quarantinedAfterFirstRun");
    await writeJournal("rerun.json", { ...buildJournal(), rerun: { firstRun: { exitCode: 1 }, quarantinedAfterFirstRun: [], rerun: null } });
    expect((await collectError()).field).toBe("rerun.firstRun.startedAt");
  });

  it("names the field of a fault record or sample missing what the schema requires", async () => {
    const { observations: _observations, ...fault } = buildFault();
    await writeJournal("fault.json", { ...buildJournal(), faults: [buildFault(), fault] });
    const error = await collectError();
    expect(error.field).toBe("faults[1].observations");
    expect(error.message).toBe(`${join(dir, "fault.json")}: field "faults[1].observations" is required`);
    await writeJournal("fault.json", { ...buildJournal(), samples: [{ probe: "pipeline throughput", at: 250, phase: "while", value: 3, ok: true }] });
    expect((await collectError()).message).toContain(`field "samples[0].phase" must be one of before, during, after, got "while"`);
  });

  it("accepts every sample journal the report tests render, and fields it does not know", async () => {
    for (const [index, journal] of [completedScenario(), failedScenarioWithIntegrityDifference(), { ...buildJournal(), system: "scale" }].entries()) {
      await writeJournal(`${index}.json`, journal);
    }
    expect((await collectJournals(dir)).journals).toHaveLength(3);
  });

  it("names the file when it is not JSON or not an object", async () => {
    await writeJournal("truncated.json", `{"schemaVersion": 1, "id": "x"`);
    const truncated = await collectError();
    expect(truncated.message).toMatch(/truncated\.json: is not valid JSON/);
    await rm(join(dir, "truncated.json"));
    await writeJournal("list.json", "[]");
    expect((await collectError()).message).toMatch(/list\.json: must hold a JSON object, got an array/);
  });
});
