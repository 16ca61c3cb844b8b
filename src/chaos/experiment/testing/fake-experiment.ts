import type { ExperimentDefinition } from "../experiment-definition.ts";
import { answersWithin, throughput } from "../probe.ts";
import { type SeedObject } from "../../core/index.ts";

/** `objects` tiny objects under `songs/`, in key order. */
export function fakeCorpus(objects = 20): SeedObject[] {
  return Array.from({ length: objects }, (_, i) => ({ key: `songs/${String(i).padStart(2, "0")}.mid`, body: new Uint8Array([i]) }));
}

/**
 * An experiment sized for a fake environment: 20 objects, probes sampled
 * every 25 ms over short windows, a short stable window and time limit.
 */
export function fakeDefinition(overrides: Partial<ExperimentDefinition> = {}): ExperimentDefinition {
  return {
    id: "fake-experiment",
    title: "an experiment on the fake environment",
    cause: "equipment-failure",
    corpus: fakeCorpus(),
    hypothesis: [throughput({ atLeast: 0.3, windowMs: 200 }), answersWithin("postgres", 100)],
    method: [],
    budget: { recoveryMs: 1_000 },
    sampleEveryMs: 25,
    stableForMs: 100,
    timeLimitMs: 3_000,
    ...overrides,
  };
}
