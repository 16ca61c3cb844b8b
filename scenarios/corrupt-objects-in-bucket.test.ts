import { expect } from "vitest";
import { badObjectsInBucket } from "../src/chaos/faults/index.ts";
import { atLaunch, chaosTest, corruptObjects, fault, faultNamed, pipelineSteadyState, syntheticSongs } from "../src/chaos/experiment/index.ts";

chaosTest(
  "Software failure: corrupt and non-MIDI objects sit among the songs; each is quarantined with its reason and the run neither stalls nor loses a song",
  async ({ experiment }) => {
    const bad = corruptObjects();
    // The fault is in the data: it sits in the bucket from the start, so the fault-free run sees it too.
    const badObjects = fault("bad objects in the bucket", async () =>
      badObjectsInBucket(bad.map((object) => ({ key: object.key, bytes: object.body.length, reasons: object.reasons }))),
    );
    const journal = await experiment({
      id: "corrupt-objects-in-bucket",
      title: `${bad.length} corrupt and non-MIDI objects among 600 songs`,
      cause: "software-failure",
      corpus: [...syntheticSongs(600), ...bad],
      hypothesis: pipelineSteadyState(),
      method: [badObjects.when(atLaunch).for(0)],
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 1_000 },
    });

    expect(faultNamed(journal, "bad objects in the bucket").observations.objects).toBe(bad.length);
    const quarantine = new Map(journal.integrity?.quarantine.map((row) => [row.key.slice(row.key.indexOf("/") + 1), row]));
    expect(quarantine.size).toBe(bad.length);
    for (const object of bad) {
      expect(object.reasons, `reason given for ${object.key}`).toContain(quarantine.get(object.key)?.reason);
    }
    // Refusing a bad file is a decision, not an error: nothing was retried.
    expect(journal.figures.retries).toBe(0);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
