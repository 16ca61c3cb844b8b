import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelineDatabase, SeedObject } from "../src/chaos/core/index.ts";
import { EmbeddedEnvironment, type StartedEmbeddedEnvironment } from "../src/chaos/embedded/index.ts";
import { compareTables, EXPLORATION_LAUNCH, explorationCorpus, RUN_DEADLINE_MS } from "../src/chaos/explore/index.ts";
import { snapshotTables, type TableSnapshot } from "../src/chaos/integrity/index.ts";

/**
 * Objects change under the pipeline between runs: first two songs are
 * overwritten under the same keys (one with a copy of another song in the
 * bucket, a new pair of similarity 1), then a song turns corrupt and an object
 * that was corrupt is repaired. Each rerun into the same database must leave
 * exactly the tables a fresh run over the bucket as it now is writes: the
 * replaced songs' new instruments only and the new input's similar pairs; the
 * corrupt one quarantined, the repaired one written and no longer quarantined.
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

  it("a rerun after songs were overwritten, then after one turned corrupt and a corrupt one was repaired, writes what a fresh run of the bucket writes", async () => {
    const songs = explorationCorpus(13);
    await env!.seed(prefixed([...songs.slice(0, 10), { key: UNREADABLE, body: NOT_MIDI }]));
    const database = await env!.createDatabase("replaced");
    await runToCompletion(database);
    const beforeReplacement = await snapshotTables(database.url);
    expect(beforeReplacement.quarantined.map((row) => row.key)).toEqual([PREFIX + UNREADABLE]);

    // 1. Two songs overwritten under the same keys, one with a copy of another song (a new pair of similarity 1).
    await env!.seed(
      prefixed([
        { key: songs[0]!.key, body: songs[10]!.body },
        { key: songs[1]!.key, body: songs[5]!.body },
      ]),
    );
    await runToCompletion(database);
    const overwritten = await freshRunOfTheBucket("overwritten");
    // The replacement changed both tables (else this step would prove nothing).
    expect(compareTables(overwritten, beforeReplacement).equal).toBe(false);
    expect(overwritten.instruments).not.toEqual(beforeReplacement.instruments);
    expect(overwritten.pairs).not.toEqual(beforeReplacement.pairs);
    expect(overwritten.pairs).toContainEqual(expect.objectContaining({ filenameA: PREFIX + songs[1]!.key, filenameB: PREFIX + songs[5]!.key, similarity: 1 }));
    const afterOverwrite = compareTables(overwritten, await snapshotTables(database.url));
    expect(afterOverwrite.equal, afterOverwrite.summary).toBe(true);

    // 2. A song turned corrupt, and the corrupt object repaired.
    await env!.seed(
      prefixed([
        { key: songs[2]!.key, body: NOT_MIDI },
        { key: UNREADABLE, body: songs[12]!.body },
      ]),
    );
    await runToCompletion(database);
    const repaired = await freshRunOfTheBucket("repaired");
    expect(repaired.quarantined.map((row) => row.key)).toEqual([PREFIX + songs[2]!.key]);
    expect(repaired.instruments.some((row) => row.filename === PREFIX + UNREADABLE)).toBe(true);
    const afterRepair = compareTables(repaired, await snapshotTables(database.url));
    expect(afterRepair.equal, afterRepair.summary).toBe(true);
  }, 150_000);

  /** The golden output for the bucket as it now is: a run into a fresh database. */
  async function freshRunOfTheBucket(label: string): Promise<TableSnapshot> {
    const fresh = await env!.createDatabase(`replaced-${label}`);
    await runToCompletion(fresh);
    return snapshotTables(fresh.url);
  }

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
