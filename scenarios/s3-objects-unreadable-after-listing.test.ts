import { expect } from "vitest";
import { atLaunch, chaosTest, fault, faultNamed, pipelineSteadyState, rerunOf, syntheticSongs } from "../src/chaos/experiment/index.ts";

const songs = syntheticSongs(1000);
// Spread over the listing, so they are downloaded among the others, not first or last.
const denied = [songs[111]!, songs[444]!, songs[777]!].map((song) => song.key);
const missing = [songs[222]!, songs[888]!].map((song) => song.key);
/** A bucket key without the experiment's prefix. */
const corpusKey = (key: string | undefined) => key?.slice(key.indexOf("/") + 1);

chaosTest(
  "Software failure: objects become unreadable between listing and download (403 AccessDenied, 404 NoSuchKey); each is quarantined with its reason, and the operator's next run writes them",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "s3-objects-unreadable-after-listing",
      title: `${denied.length} objects denied (403) and ${missing.length} gone (404) after listing, among 1000 songs; run again once readable`,
      cause: "software-failure",
      corpus: songs,
      hypothesis: pipelineSteadyState(),
      method: [
        fault("403 AccessDenied", ({ faults, objectKey }) =>
          faults.s3({ type: "error", status: 403, code: "AccessDenied", match: { operation: "GetObject", keys: denied.map(objectKey) } }),
        ).when(atLaunch),
        fault("404 NoSuchKey", ({ faults, objectKey }) =>
          faults.s3({ type: "error", status: 404, code: "NoSuchKey", match: { operation: "GetObject", keys: missing.map(objectKey) } }),
        ).when(atLaunch),
      ],
      // The permissions are fixed and the objects back once the first run ended; the operator runs the pipeline again.
      rerun: "after-faults-removed",
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 5_000 },
    });

    // Each object's one download was refused, and not retried: a permanent error.
    const refused = (name: string) =>
      faultNamed(journal, name, "s3/error")
        .observations.faulted.map((request) => corpusKey(request.key))
        .sort();
    expect(refused("403 AccessDenied")).toEqual([...denied].sort());
    expect(refused("404 NoSuchKey")).toEqual([...missing].sort());

    const { firstRun, quarantinedAfterFirstRun } = rerunOf(journal);
    expect(firstRun.exitCode).toBe(0);
    const quarantined = (quarantinedAfterFirstRun ?? []).map((row) => ({ ...row, key: corpusKey(row.key) }));
    expect(quarantined).toEqual(
      expect.arrayContaining([
        ...denied.map((key) => ({ key, stage: "download", reason: "s3-AccessDenied" })),
        ...missing.map((key) => ({ key, stage: "download", reason: "s3-NoSuchKey" })),
      ]),
    );
    expect(quarantined).toHaveLength(denied.length + missing.length);

    // The rerun wrote them: no quarantine row is left, and the tables equal the fault-free run's.
    expect(journal).toHaveRecoveredOnRerun();
    expect(journal.integrity?.quarantine).toEqual([]);
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
