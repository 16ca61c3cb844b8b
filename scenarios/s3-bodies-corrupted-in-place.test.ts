import { expect } from "vitest";
import { atLaunch, chaosTest, fault, faultNamed, pipelineSteadyState, syntheticSongs } from "../src/chaos/experiment/index.ts";

const FIRST_CORRUPTED = 50;
const CORRUPTED = 10;

chaosTest(
  "Software failure: S3 flips a byte in 10 object bodies, keeping their length; the pipeline notices (MD5 against the ETag), fetches them again and stores exact rows",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "s3-bodies-corrupted-in-place",
      title: `${CORRUPTED} GetObject bodies corrupted under their correct length (downloads ${FIRST_CORRUPTED}-${FIRST_CORRUPTED + CORRUPTED - 1}) among 1000 songs`,
      cause: "software-failure",
      corpus: syntheticSongs(1000),
      hypothesis: pipelineSteadyState(),
      method: [
        // By download number, so the same downloads are hit on any machine; the window only has to outlast them.
        fault("corrupted bodies", ({ faults }) => faults.s3({ type: "corrupt", occurrence: { from: FIRST_CORRUPTED, count: CORRUPTED } }))
          .when(atLaunch)
          .for(6_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 3_000 },
    });

    const corrupted = faultNamed(journal, "corrupted bodies", "s3/corrupt").observations;
    // Downloads run concurrently, so the faults are listed in the order their bodies were served, not by number.
    const numbers = corrupted.faulted.map((request) => request.occurrence).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: CORRUPTED }, (_, i) => FIRST_CORRUPTED + i));
    expect(corrupted.requestsFaulted).toBe(CORRUPTED);
    // Every corrupted body was caught and fetched again (a retry is a download of its own, so it may be corrupted again); none was stored, none quarantined.
    expect(journal.figures.retries).toBeGreaterThanOrEqual(CORRUPTED);
    expect(journal.integrity?.counts.quarantined).toBe(0);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
