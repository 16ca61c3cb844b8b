import { expect } from "vitest";
import { atLaunch, chaosTest, fault, faultNamed, pipelineSteadyState, rerunOf, syntheticSongs } from "../src/chaos/experiment/index.ts";

const RETRY_ATTEMPTS = 4;
/** S3 goes down once this many downloads have been answered: a fixed point in the run, whatever the machine's speed. */
const DOWNLOADS_BEFORE_OUTAGE = 80;

chaosTest(
  "Equipment failure: S3 answers 503 ServiceUnavailable for longer than the pipeline's whole retry budget; the run fails loudly, the operator runs it again, and nothing is lost or doubled",
  async ({ experiment }) => {
    const journal = await experiment({
      id: "s3-outage-outlasting-retries",
      title: `S3 down (503 on every download from the ${DOWNLOADS_BEFORE_OUTAGE + 1}th on) past ${RETRY_ATTEMPTS} attempts; run again once it is back`,
      cause: "equipment-failure",
      corpus: syntheticSongs(200),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("S3 down", ({ faults }) =>
          faults.s3({
            type: "error",
            status: 503,
            code: "ServiceUnavailable",
            match: { operation: "GetObject" },
            occurrence: { from: DOWNLOADS_BEFORE_OUTAGE + 1 },
          }),
        ).when(atLaunch),
      ],
      // The outage lasts until the first run gave up; then the operator runs the pipeline again.
      rerun: "after-faults-removed",
      pipeline: { writeBatchFiles: 20, retryAttempts: RETRY_ATTEMPTS },
      budget: { recoveryMs: 15_000 },
    });

    const outage = faultNamed(journal, "S3 down", "s3/error").observations;
    expect(outage.requestsFaulted).toBeGreaterThanOrEqual(RETRY_ATTEMPTS);
    expect(Math.min(...outage.faulted.map((request) => request.occurrence))).toBe(DOWNLOADS_BEFORE_OUTAGE + 1);
    // Some object was tried all its attempts, each answered 503, before the run gave up.
    const attemptsByKey = new Map<string | undefined, number>();
    for (const request of outage.faulted) attemptsByKey.set(request.key, (attemptsByKey.get(request.key) ?? 0) + 1);
    expect(Math.max(...attemptsByKey.values())).toBe(RETRY_ATTEMPTS);
    const { firstRun, quarantinedAfterFirstRun } = rerunOf(journal);
    expect(firstRun.exitCode).toBe(1);
    // A dependency being down is not the object's fault: nothing was quarantined for it.
    expect(quarantinedAfterFirstRun).toEqual([]);

    expect(journal).toHaveFailedLoudlyThenRecoveredOnRerun(new RegExp(`pipeline failed: .*failed after ${RETRY_ATTEMPTS} attempts: ServiceUnavailable`));
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
