import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelineDatabase, SeedObject } from "../src/chaos/core/index.ts";
import { EmbeddedEnvironment, type StartedEmbeddedEnvironment } from "../src/chaos/embedded/index.ts";
import { compareTables, EXPLORATION_LAUNCH, explorationCorpus, RUN_DEADLINE_MS } from "../src/chaos/explore/index.ts";
import { snapshotTables } from "../src/chaos/integrity/index.ts";

/**
 * Objects change under the pipeline between two runs: two songs are
 * overwritten with other songs, one turns corrupt, and an object that was
 * corrupt is repaired. The rerun into the same database must leave exactly the
 * tables a fresh run over the bucket as it now is writes: the replaced songs'
 * new instruments only, the corrupt one quarantined, the repaired one written
 * and no longer quarantined, and the similar pairs of the new input.
 */

/** How `chaos-control run --cause` files this entry (read from this source): the data changed, no equipment failed. */
const FILED_UNDER = { cause: "software-failure" } as const;

const OTHER_ENV = process.env.CHAOS_ENV && process.env.CHAOS_ENV !== "embedded" ? process.env.CHAOS_ENV : undefined;
const SKIP_REASON = OTHER_ENV ? ` [skipped: runs on the embedded environment it starts itself, CHAOS_ENV=${OTHER_ENV}]` : "";

const PREFIX = "replaced/";
const NOT_MIDI = new TextEncoder().encode("this object is not a MIDI file\n");
const UNREADABLE = "songs/unreadable.mid";

describe.skipIf(OTHER_ENV !== undefined)(`objects replaced in the bucket between runs (${FILED_UNDER.cause})${SKIP_REASON}`, () => {
  let env: StartedEmbeddedEnvironment | undefined;

  beforeAll(async () => {
    env = await new EmbeddedEnvironment().start();
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  it("a rerun after songs were overwritten, one turned corrupt and a corrupt one repaired writes what a fresh run of the bucket writes", async () => {
    const songs = explorationCorpus(13);
    const original = [...songs.slice(0, 10), { key: UNREADABLE, body: NOT_MIDI }];
    const replacements = [
      { key: songs[0]!.key, body: songs[10]!.body },
      { key: songs[1]!.key, body: songs[11]!.body },
      { key: songs[2]!.key, body: NOT_MIDI },
      { key: UNREADABLE, body: songs[12]!.body },
    ];
    await env!.seed(prefixed(original));
    const database = await env!.createDatabase("replaced");
    await runToCompletion(database);
    const beforeReplacement = await snapshotTables(database.url);
    expect(beforeReplacement.quarantined.map((row) => row.key)).toEqual([PREFIX + UNREADABLE]);

    await env!.seed(prefixed(replacements));
    await runToCompletion(database);
    const rerun = await snapshotTables(database.url);

    const fresh = await env!.createDatabase("replaced-fresh");
    await runToCompletion(fresh);
    const golden = await snapshotTables(fresh.url);

    // The replacement changed what a run must write: the replaced keys' rows and the quarantine differ.
    const changed = compareTables(golden, beforeReplacement);
    expect(changed.equal).toBe(false);
    expect(changed.summary).toMatch(/filename_instrument/);
    expect(golden.quarantined.map((row) => row.key)).toEqual([PREFIX + songs[2]!.key]);
    expect(golden.instruments.some((row) => row.filename === PREFIX + UNREADABLE)).toBe(true);

    const comparison = compareTables(golden, rerun);
    expect(comparison.summary).toBe(compareTables(golden, golden).summary);
    expect(comparison.equal).toBe(true);
  }, 120_000);

  async function runToCompletion(database: PipelineDatabase): Promise<void> {
    const pipeline = await env!.launchPipeline({ ...EXPLORATION_LAUNCH, prefix: PREFIX, database: database.name });
    const timer = setTimeout(() => void pipeline.kill(), RUN_DEADLINE_MS);
    try {
      const exit = await pipeline.exited;
      expect(exit.code, exit.outputTail).toBe(0);
    } finally {
      clearTimeout(timer);
    }
  }
});

function prefixed(objects: readonly SeedObject[]): SeedObject[] {
  return objects.map((object) => ({ key: PREFIX + object.key, body: object.body }));
}
