import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { corpusPrefix, GOLDEN_CACHE_VARIABLE, goldenKey, GoldenOutputCache } from "./golden-output.ts";
import { runExperiment } from "./run-experiment.ts";
import { FakeEnvironment } from "../testing/index.ts";
import { fakeCorpus, fakeDefinition } from "./testing/fake-experiment.ts";

// The integrity check reads what the fake pipeline "wrote" instead of Postgres tables.
vi.mock("../integrity/index.ts", async () => {
  const { snapshotOfFakeDatabase } = await import("../testing/index.ts");
  return { snapshotTables: snapshotOfFakeDatabase };
});

describe("goldenKey", () => {
  const corpus = fakeCorpus(3);

  it("is the same for the same content in any order, and changes with a byte, the pipeline's options or the environment", async () => {
    const key = await goldenKey(corpus, { writeBatchFiles: 5 }, "embedded");
    expect(await goldenKey([...corpus].reverse(), { writeBatchFiles: 5 }, "embedded")).toBe(key);
    const changed = corpus.map((object, i) =>
      i === 1 ? { ...object, body: Uint8Array.from([...object.body.slice(0, -1), (object.body.at(-1)! + 1) % 256]) } : object,
    );
    expect(await goldenKey(changed, { writeBatchFiles: 5 }, "embedded")).not.toBe(key);
    expect(await goldenKey(corpus, { writeBatchFiles: 6 }, "embedded")).not.toBe(key);
    expect(await goldenKey(corpus, { writeBatchFiles: 5 }, "containers")).not.toBe(key);
    expect(corpusPrefix(key)).toBe(`corpus-${key.slice(0, 16)}/`);
  });
});

describe("the golden output within one test run", () => {
  let cacheDir: string;
  let goldenCache: GoldenOutputCache;

  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), "chaos-golden-"));
    goldenCache = new GoldenOutputCache(cacheDir);
  });

  afterEach(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it("is the test run's directory from CHAOS_GOLDEN_CACHE_DIR, or none", () => {
    expect(GoldenOutputCache.fromEnvironment({ [GOLDEN_CACHE_VARIABLE]: cacheDir })?.directory).toBe(cacheDir);
    expect(GoldenOutputCache.fromEnvironment({})).toBeUndefined();
  });

  it("is computed once per corpus: a second experiment on the same input runs no golden pipeline and still checks integrity against it", async () => {
    const first = new FakeEnvironment({ pipelines: { golden: { objectsPerSecond: 100 }, experiment: { objectsPerSecond: 100 } } });
    const firstJournal = await runExperiment(first, fakeDefinition({ id: "first" }), { goldenCache });
    expect(firstJournal.status).toBe("completed");
    expect(first.launched).toHaveLength(2); // the golden run, then the experiment's
    expect(await readdir(cacheDir)).toHaveLength(1);

    const second = new FakeEnvironment({ pipelines: { golden: { objectsPerSecond: 100 }, experiment: { objectsPerSecond: 100 } } });
    const secondJournal = await runExperiment(second, fakeDefinition({ id: "second" }), { goldenCache });
    expect(secondJournal.status).toBe("completed");
    expect(second.launched).toHaveLength(1); // the experiment's only
    expect(secondJournal.integrity).toMatchObject({ ok: true });
    expect(secondJournal.figures.baselineThroughput).toBe(firstJournal.figures.baselineThroughput);
    expect(firstJournal.golden).toEqual({ key: expect.stringMatching(/^[0-9a-f]{64}$/), reused: false });
    expect(secondJournal.golden).toEqual({ key: firstJournal.golden!.key, reused: true });
  });

  it("is computed again for another corpus", async () => {
    await runExperiment(
      new FakeEnvironment({ pipelines: { golden: { objectsPerSecond: 100 }, experiment: { objectsPerSecond: 100 } } }),
      fakeDefinition({ id: "a" }),
      { goldenCache },
    );
    const other = new FakeEnvironment({ pipelines: { golden: { objectsPerSecond: 100 }, experiment: { objectsPerSecond: 100 } } });
    await runExperiment(other, fakeDefinition({ id: "b", corpus: fakeCorpus(7) }), { goldenCache });
    expect(other.launched).toHaveLength(2);
    expect(await readdir(cacheDir)).toHaveLength(2);
  });
});
