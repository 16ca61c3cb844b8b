import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { CATALOGUE } from "./catalogue.ts";
import { experimentsWithoutMethod, experimentsWithStatus, exploreNarrowing, failedCases, judge } from "./detectors.ts";
import { FAULT_KINDS, OCCURRENCE_LABELS } from "../src/chaos/explore/index.ts";
import { applyEdit, caughtAsExpected, detectorTarget, EditMismatchError, occurrences, type Mutant } from "./mutant.ts";
import { mergeResults, type MutantResult } from "./mutant-result.ts";
import { typecheckMutants } from "./mutant-typecheck.ts";
import { summaryCounts } from "./plain-run.ts";
import { ScratchCopy } from "./scratch-copy.ts";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const temporary: string[] = [];
afterEach(async () => {
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mutants-test-"));
  temporary.push(dir);
  return dir;
}

const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );

describe("the catalogue", () => {
  test("holds at least 18 mutants with unique kebab-case ids, each changing a file of src/pipeline/", () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(18);
    const ids = CATALOGUE.map((mutant) => mutant.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const mutant of CATALOGUE) {
      expect(mutant.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(mutant.edit.file).toMatch(/^src\/pipeline\/.+\.ts$/);
      expect(mutant.edit.file).not.toMatch(/\.test\.ts$/);
      expect(mutant.edit.replace, mutant.id).not.toBe(mutant.edit.find);
      expect(mutant.description.length, mutant.id).toBeGreaterThan(20);
    }
  });

  test("names for each mutant the chaos test expected to catch it: a scenario file that exists, or an explore cell point × kind × occurrence", async () => {
    for (const mutant of CATALOGUE) {
      const target = detectorTarget(mutant.caughtBy);
      if (target.detector === "scenarios") expect(await exists(join(REPO_ROOT, target.file)), `${mutant.id}: ${target.file}`).toBe(true);
      else expect(target.cell, mutant.id).toMatch(new RegExp(`^(s3|pg) .+ × (${FAULT_KINDS.join("|")}) × (${OCCURRENCE_LABELS.join("|")})$`));
    }
  });

  test.each(CATALOGUE.map((mutant) => [mutant.id, mutant] as const))("%s: its text occurs exactly once in the real source", async (_id, mutant) => {
    const source = await readFile(join(REPO_ROOT, mutant.edit.file), "utf8");
    expect(occurrences(source, mutant.edit.find)).toBe(1);
    const mutated = applyEdit(mutant, source);
    expect(mutated).not.toBe(source);
    expect(mutated.length).toBe(source.length - mutant.edit.find.length + mutant.edit.replace.length);
  });
});

describe("applyEdit", () => {
  const mutant = (find: string): Mutant => ({
    id: "m",
    kind: "swallowed error",
    description: "d",
    edit: { file: "src/x.ts", find, replace: "B" },
    caughtBy: "scenario: scenarios/x.test.ts",
  });

  test("replaces the one occurrence", () => {
    expect(applyEdit(mutant("a"), "xay")).toBe("xBy");
  });

  test("refuses text found nowhere or twice, naming the mutant, file and count", () => {
    expect(() => applyEdit(mutant("q"), "xay")).toThrow(EditMismatchError);
    expect(() => applyEdit(mutant("a"), "a-a")).toThrow("mutant m: the text to find occurs 2 times in src/x.ts, not exactly once");
    expect(() => applyEdit(mutant(""), "a")).toThrow(EditMismatchError);
  });
});

describe("the expected detector", () => {
  const scenario: Pick<Mutant, "caughtBy"> = { caughtBy: "scenario: scenarios/postgres-frozen.test.ts" };
  const cell: Pick<Mutant, "caughtBy"> = { caughtBy: "explore: pg COMMIT × hang × first" };

  test("is taken apart into the detector to run and what to narrow it to", () => {
    expect(detectorTarget(scenario.caughtBy)).toEqual({ detector: "scenarios", file: "scenarios/postgres-frozen.test.ts" });
    expect(detectorTarget(cell.caughtBy)).toEqual({ detector: "explore", cell: "pg COMMIT × hang × first" });
    expect(exploreNarrowing(["pg COMMIT × hang × first"])).toEqual(["--filter", "pg COMMIT × hang × first", "--workers", "1"]);
    expect(exploreNarrowing([])).toEqual([]);
  });

  test("caught the mutant only when one of its tests is among the failing ones", () => {
    expect(caughtAsExpected(scenario, ["scenarios: scenarios/postgres-frozen.test.ts > Equipment failure: …"])).toBe(true);
    expect(caughtAsExpected(scenario, ["scenarios: scenarios/postgres-kill-mid-copy.test.ts > …"])).toBe(false);
    expect(caughtAsExpected(cell, ["explore: explore.pg COMMIT > pg COMMIT × hang × first"])).toBe(true);
    expect(caughtAsExpected(cell, ["explore: explore.pg COMMIT > pg COMMIT × hang × last"])).toBe(false);
    expect(caughtAsExpected(cell, [])).toBe(false);
  });
});

describe("ScratchCopy", () => {
  test("copies the repository without node_modules, .git and reports, links node_modules, applies the edit, and removes itself", async () => {
    const repo = await tempDir();
    await mkdir(join(repo, "src/pipeline"), { recursive: true });
    await mkdir(join(repo, "node_modules/dep"), { recursive: true });
    await mkdir(join(repo, ".git"));
    await mkdir(join(repo, "reports"));
    await writeFile(join(repo, "src/pipeline/retry.ts"), "const attempts = 12;\n");
    await writeFile(join(repo, "node_modules/dep/index.js"), "export {};\n");
    await writeFile(join(repo, ".git/HEAD"), "ref\n");
    await writeFile(join(repo, "reports/junit.xml"), "<old/>\n");
    const mutant: Mutant = {
      id: "fewer-attempts",
      kind: "wrong retry budget",
      description: "one attempt",
      edit: { file: "src/pipeline/retry.ts", find: "12", replace: "1" },
      caughtBy: "scenario: scenarios/x.test.ts",
    };

    const copy = await ScratchCopy.create(repo, mutant);
    expect(copy.root.startsWith(tmpdir())).toBe(true);
    expect(await readFile(join(copy.root, "src/pipeline/retry.ts"), "utf8")).toBe("const attempts = 1;\n");
    expect(await readFile(join(repo, "src/pipeline/retry.ts"), "utf8")).toBe("const attempts = 12;\n");
    expect((await lstat(join(copy.root, "node_modules"))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(copy.root, "node_modules/dep/index.js"), "utf8")).toBe("export {};\n");
    expect(await exists(join(copy.root, ".git"))).toBe(false);
    expect(await exists(join(copy.root, "reports"))).toBe(false);

    await copy.remove();
    await copy.remove();
    expect(await exists(copy.root)).toBe(false);
    // The link went, not what it pointed to.
    expect(await readFile(join(repo, "node_modules/dep/index.js"), "utf8")).toBe("export {};\n");
  });

  test("a stale edit fails the copy and leaves no directory behind", async () => {
    const repo = await tempDir();
    await mkdir(join(repo, "src"));
    await mkdir(join(repo, "node_modules"));
    await writeFile(join(repo, "src/a.ts"), "x\n");
    const stale: Mutant = {
      id: "stale",
      kind: "swallowed error",
      description: "gone",
      edit: { file: "src/a.ts", find: "y", replace: "z" },
      caughtBy: "scenario: scenarios/x.test.ts",
    };
    const before = new Set(await readdir(tmpdir()));
    await expect(ScratchCopy.create(repo, stale)).rejects.toThrow(EditMismatchError);
    const left = (await readdir(tmpdir())).filter((name) => !before.has(name) && name.startsWith("chaos-mutant-stale-"));
    expect(left).toEqual([]);
  });

  test("copies the real repository with a catalogue mutant applied", async () => {
    const mutant = CATALOGUE[0]!;
    await using copy = await ScratchCopy.create(REPO_ROOT, mutant);
    const original = await readFile(join(REPO_ROOT, mutant.edit.file), "utf8");
    expect(await readFile(join(copy.root, mutant.edit.file), "utf8")).toBe(applyEdit(mutant, original));
    expect(await readFile(join(copy.root, "package.json"), "utf8")).toBe(await readFile(join(REPO_ROOT, "package.json"), "utf8"));
    expect((await stat(join(copy.root, "node_modules/vitest/package.json"))).isFile()).toBe(true);
  });
});

describe("typecheckMutants", () => {
  test("passes an edit that compiles and reports one that does not, with file and line", async () => {
    const repo = await tempDir();
    await mkdir(join(repo, "src"));
    await writeFile(join(repo, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [] }, include: ["src"] }));
    await writeFile(join(repo, "src/a.ts"), "export const limit: number = 12;\n");
    const edit = (id: string, replace: string): Mutant => ({
      id,
      kind: "wrong retry budget",
      description: "d",
      edit: { file: "src/a.ts", find: "12", replace },
      caughtBy: "scenario: scenarios/x.test.ts",
    });

    const results = typecheckMutants(repo, [edit("fine", "13"), edit("broken", '"13"'), edit("fine-again", "1")]);

    expect(results.get("fine")).toEqual([]);
    expect(results.get("broken")).toEqual([expect.stringMatching(/^src\/a\.ts:1: Type 'string' is not assignable to type 'number'/)]);
    expect(results.get("fine-again")).toEqual([]);
  });
});

describe("reading the detectors' JUnit", () => {
  const junit = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="3" failures="1" errors="0">
  <testsuite name="scenarios/s3-throttling.test.ts" tests="1" failures="0">
    <testcase classname="scenarios/s3-throttling.test.ts" name="S3 throttles" time="12.1"></testcase>
  </testsuite>
  <testsuite name="scenarios/postgres-frozen.test.ts" tests="1" failures="1">
    <testcase classname="scenarios/postgres-frozen.test.ts" name="Postgres frozen &amp; thawed" time="30.2">
      <failure message="expected journal to match the golden output&#10;second line" type="AssertionError">stack</failure>
    </testcase>
  </testsuite>
  <testsuite name="scenarios/cluster.test.ts" tests="1" skipped="1">
    <testcase classname="scenarios/cluster.test.ts" name="needs a cluster" time="0"><skipped/></testcase>
  </testsuite>
</testsuites>
`;
  const exit = (exitCode: number | null, killed = false) => ({ exitCode, signal: null, killed, stdout: "", durationMs: 5 });

  test("names each failed test case with the first line of its message", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "junit.xml"), junit);
    await writeFile(join(dir, "notes.txt"), "<testcase classname='x' name='not junit'><failure/></testcase>");
    expect(await failedCases(dir)).toEqual([
      { id: "scenarios/postgres-frozen.test.ts > Postgres frozen & thawed", message: "expected journal to match the golden output" },
    ]);
  });

  test("a missing report directory has no failed cases", async () => {
    expect(await failedCases(join(await tempDir(), "absent"))).toEqual([]);
  });

  test("caught only by a failed test case; a non-zero exit without one is an error, not a catch", () => {
    const failed = [{ id: "scenarios/a.test.ts > a", message: "boom" }];
    expect(judge("scenarios", exit(1), failed, "log")).toMatchObject({ verdict: "caught", failedTests: ["scenarios/a.test.ts > a"], message: "boom" });
    expect(judge("scenarios", exit(0), [], "log")).toMatchObject({ verdict: "passed", failedTests: [] });
    expect(judge("scenarios", exit(1), [], "log")).toMatchObject({ verdict: "error", message: "scenarios exited 1 without a failed test case" });
    expect(judge("explore", exit(null, true), [], "log")).toMatchObject({ verdict: "error", message: "explore was stopped (timeout or interrupt)" });
  });
});

describe("the plain run's counts", () => {
  test("leave out what differs between runs and do not depend on key order", () => {
    const a = {
      runId: "1",
      durationMs: 5,
      extraction: { objectsWritten: 3, quarantinedByReason: { "parse/truncated": 1, "parse/not-midi": 2 } },
      similarity: { shard: { index: 0, count: 1 }, songs: 3, pairsWritten: 2, resumedAfterBatch: 0, upToDate: false },
    };
    const b = {
      similarity: { upToDate: false, resumedAfterBatch: 0, pairsWritten: 2, songs: 3 },
      extraction: { quarantinedByReason: { "parse/not-midi": 2, "parse/truncated": 1 }, objectsWritten: 3 },
      runId: "2",
      durationMs: 9,
    };
    expect(summaryCounts(a)).toBe(summaryCounts(b));
    expect(summaryCounts({ ...b, similarity: { ...b.similarity, pairsWritten: 3 } })).not.toBe(summaryCounts(a));
    expect(() => summaryCounts({ extraction: {} })).toThrow("the summary lacks a stage");
  });
});

describe("mergeResults", () => {
  const result = (id: string, status: MutantResult["status"]): MutantResult => ({
    id,
    kind: "swallowed error",
    description: "d",
    file: "src/pipeline/x.ts",
    expected: "scenario: scenarios/x.test.ts",
    asExpected: status === "caught",
    status,
    caughtBy: [],
    detections: [],
    durationMs: 1,
    finishedAt: "t",
  });

  test("keeps earlier results of other mutants and replaces those run again", () => {
    const earlier = mergeResults(undefined, [result("a", "survived"), result("b", "caught")], ["scenarios"], 20);
    const merged = mergeResults(earlier, [result("a", "caught"), result("c", "survived")], ["scenarios"], 20);
    expect(merged.results.map((r) => [r.id, r.status])).toEqual([
      ["a", "caught"],
      ["b", "caught"],
      ["c", "survived"],
    ]);
    expect(merged).toMatchObject({ caught: 2, survived: 1, catalogueSize: 20 });
  });
});

describe("experimentsWithoutMethod", () => {
  test("names the experiments that injected nothing (steady state or time limit before the method), from their journals", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "a.json"), JSON.stringify({ id: "corrupt-objects-in-bucket", steadyStateBefore: false }));
    await writeFile(join(dir, "b.json"), JSON.stringify({ id: "s3-throttling", steadyStateBefore: true, faults: [{ injectedAt: 1200 }] }));
    await writeFile(join(dir, "c.json"), JSON.stringify({ id: "pipeline-process-killed", steadyStateBefore: null, faults: [{ injectedAt: 900 }] }));
    await writeFile(join(dir, "d.json"), JSON.stringify({ id: "sliced-packets", status: "aborted", steadyStateBefore: null, faults: [] }));
    await writeFile(join(dir, "e.json"), JSON.stringify({ id: "s3-throttling", status: "aborted", steadyStateBefore: true, faults: [{ injectedAt: null }] }));
    expect(await experimentsWithoutMethod(dir)).toEqual(["corrupt-objects-in-bucket", "sliced-packets", "s3-throttling"]);
    expect(await experimentsWithoutMethod(join(dir, "absent"))).toEqual([]);
  });

  test("names the experiments that ended with a status", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "a.json"), JSON.stringify({ id: "s3-objects-unreadable-after-listing", status: "aborted", steadyStateBefore: true }));
    await writeFile(join(dir, "b.json"), JSON.stringify({ id: "s3-throttling", status: "completed", steadyStateBefore: true }));
    expect(await experimentsWithStatus(dir, "aborted")).toEqual(["s3-objects-unreadable-after-listing"]);
  });
});
