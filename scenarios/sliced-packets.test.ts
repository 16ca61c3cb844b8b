import { expect } from "vitest";
import {
  afterProgress,
  chaosTest,
  fault,
  faultNamed,
  pipelineSteadyState,
  samplesWhileActive,
  syntheticSongs,
  LATENCY_PROBE,
} from "../src/chaos/experiment/index.ts";

chaosTest(
  "Software failure: every packet to and from Postgres and S3 is sliced into pieces of a few bytes, 1 ms apart, for 8 s; parsers reassemble them and nothing changes",
  async ({ experiment }) => {
    const SLICING_ADDS_AT_LEAST_MS = 10;
    const slicer = { type: "slicer" as const, attributes: { average_size: 4, size_variation: 2, delay: 1_000 } };
    const journal = await experiment({
      id: "sliced-packets",
      title: "TCP data from Postgres and S3 sliced into ~4-byte pieces, 1 ms apart, for 8 s",
      cause: "software-failure",
      corpus: syntheticSongs(1000),
      hypothesis: pipelineSteadyState({ throughputAtLeast: 0.1 }),
      method: [
        fault("slice Postgres traffic", ({ faults }) => faults.toxic("postgres", { ...slicer, stream: "downstream" }))
          .when(afterProgress(0.2))
          .for(8_000),
        fault("slice S3 traffic", ({ faults }) => faults.toxic("s3", { ...slicer, stream: "downstream" }))
          .when(afterProgress(0.2))
          .for(8_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 6_000 },
    });

    // Slicing is real when no round trip is fast any more: the answer to the ping's SELECT 1 is 66 bytes, cut into
    // pieces of at most 6 bytes that each wait 1 ms, so slicing adds at least 10 ms to every round trip, and even the
    // fastest round trip while slicing is that much slower than the fastest before. Half of it is asked for: a
    // difference, not a ratio, because the machine's own latency adds to both (the fastest before was 2.3 ms on the
    // embedded environment, 7.7 ms on containers with three scenarios at a time). Medians are not enough: with the
    // pipeline writing at full speed the round trips before the fault range from 2 to 25 ms.
    const slicing = faultNamed(journal, "slice Postgres traffic");
    const before = journal.samples.filter((sample) => sample.probe === LATENCY_PROBE.postgres && sample.value !== null && sample.at < slicing.injectedAt!);
    const during = samplesWhileActive(journal, slicing, LATENCY_PROBE.postgres).filter((sample) => sample.value !== null);
    expect(during.length).toBeGreaterThan(5);
    const addedMs = Math.min(...during.map((sample) => sample.value!)) - Math.min(...before.map((sample) => sample.value!));
    expect(addedMs).toBeGreaterThan(SLICING_ADDS_AT_LEAST_MS / 2);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
