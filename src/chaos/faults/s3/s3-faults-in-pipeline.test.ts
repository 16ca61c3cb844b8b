import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSyntheticCorpus } from "../../../../fixtures/synthetic/index.ts";
import { PipelineMetrics, runPipeline, type PipelineConfigInput } from "../../../pipeline/index.ts";
import { EmbeddedEnvironment, type StartedEmbeddedEnvironment } from "../../embedded/index.ts";
import { freshDatabaseUrl } from "../../embedded/testing/index.ts";
import { snapshotTables } from "../../integrity/index.ts";

const PREFIX = "occurrence/";
const corpus = generateSyntheticCorpus({ seed: 11, songs: 12 }).map((song) => ({ ...song, key: `${PREFIX}${song.key}` }));
const [, denied, missing, corrupted, held] = corpus;
/** Short deadline and quick retries, so a hang costs a second and a transient fault a few milliseconds. */
const FAST: PipelineConfigInput = { requestTimeoutMs: 1_000, retry: { maxAttempts: 6, baseDelayMs: 1, maxDelayMs: 5 }, concurrency: 4 };

describe("what the pipeline does with each S3 fault by occurrence (embedded environment)", () => {
  let env: StartedEmbeddedEnvironment;

  beforeAll(async () => {
    env = await new EmbeddedEnvironment().start();
    await env.seed(corpus.map((song) => ({ key: song.key, body: song.bytes })));
  });
  afterAll(async () => {
    await env?.stop();
  });

  const run = (databaseUrl: string) => runPipeline({ ...env.pipelineConfig(PREFIX), databaseUrl, ...FAST }, { metrics: new PipelineMetrics() });

  it("quarantines objects made unreadable (403, 404) at stage download with their reason, retries the transient faults (a 503 and a held listing page, a 500, a corrupted and a held body), and reads the quarantined ones on the next run", async () => {
    const databaseUrl = await freshDatabaseUrl(env);
    const s3 = env.s3Faults;
    const faults = {
      listing: s3.injectErrors({ status: 503, code: "SlowDown", occurrence: { nth: 1 }, match: { operation: "ListObjectsV2" } }),
      // Its retry is held: the listing has no deadline but the S3 client's.
      listingHeld: s3.hangRequests({ occurrence: { nth: 2 }, match: { operation: "ListObjectsV2" } }),
      denied: s3.injectErrors({ status: 403, code: "AccessDenied", match: { operation: "GetObject", key: denied!.key } }),
      missing: s3.injectErrors({ status: 404, code: "NoSuchKey", match: { operation: "GetObject", key: missing!.key } }),
      fifth: s3.injectErrors({ status: 500, code: "InternalError", occurrence: { nth: 5 }, match: { operation: "GetObject" } }),
      corrupted: s3.corruptObject({ key: corrupted!.key, occurrence: { nth: 1 } }),
      held: s3.hangRequests({ occurrence: { nth: 1 }, match: { operation: "GetObject", key: held!.key } }),
    };
    try {
      const first = await run(databaseUrl);
      for (const fault of Object.values(faults)) expect(fault.observations.requestsFaulted).toBe(1);
      for (const fault of [faults.held, faults.listingHeld]) expect(fault.observations.requestsAbandoned).toBe(1);
      expect(first.extraction).toMatchObject({
        objectsWritten: corpus.length - 2,
        objectsQuarantined: 2,
        quarantinedByReason: { "download/s3-AccessDenied": 1, "download/s3-NoSuchKey": 1 },
      });
      const afterFirst = await snapshotTables(databaseUrl);
      expect(afterFirst.quarantined).toEqual(
        [
          { key: denied!.key, stage: "download", reason: "s3-AccessDenied" },
          { key: missing!.key, stage: "download", reason: "s3-NoSuchKey" },
        ].sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key))),
      );
      for (const song of [corrupted!, held!]) {
        const rows = afterFirst.instruments.filter((row) => row.filename === song.key);
        expect(rows.map(({ track, channel, program, isDrum, name, noteCount }) => ({ track, channel, program, isDrum, name, noteCount }))).toEqual(
          song.expected.map(({ track, channel, program, isDrum, name, noteCount }) => ({ track, channel, program, isDrum, name, noteCount })),
        );
      }
    } finally {
      await Promise.all(Object.values(faults).map((fault) => fault.remove()));
    }

    const second = await run(databaseUrl);
    expect(second.extraction).toMatchObject({ objectsSkipped: corpus.length - 2, objectsWritten: 2, objectsQuarantined: 0 });
    const afterSecond = await snapshotTables(databaseUrl);
    expect(afterSecond.quarantined).toEqual([]);
    expect(new Set(afterSecond.instruments.map((row) => row.filename))).toEqual(
      new Set(corpus.filter((song) => song.expected.length > 0).map((song) => song.key)),
    );
  });
});
