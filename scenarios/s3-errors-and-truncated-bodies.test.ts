import { expect } from "vitest";
import { afterProgress, chaosTest, fault, faultNamed, pipelineSteadyState, syntheticSongs } from "../src/chaos/experiment/index.ts";

chaosTest(
  "Software failure: S3 answers 500 InternalError and cuts bodies short for 8 s; damaged downloads are caught and fetched again, not quarantined",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "s3-errors-and-truncated-bodies",
      title: "S3 500 errors (30%) and truncated bodies (30%) for 8 s",
      cause: "software-failure",
      corpus: syntheticSongs(1000),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("S3 500 InternalError", ({ faults }) => faults.s3({ type: "error", status: 500, code: "InternalError", probability: 0.3 }))
          .when(afterProgress(0.2))
          .for(8_000),
        fault("S3 truncated bodies", ({ faults }) => faults.s3({ type: "truncate", keepFraction: 0.5, framing: "chunked", probability: 0.3 }))
          .when(afterProgress(0.2))
          .for(8_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 6_000 },
    });

    expect(faultNamed(journal, "S3 500 InternalError", "s3/error").observations.requestsFaulted).toBeGreaterThan(10);
    expect(faultNamed(journal, "S3 truncated bodies", "s3/truncate").observations.requestsFaulted).toBeGreaterThan(10);
    expect(journal.integrity?.counts.quarantined).toBe(0);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
