import { describe, expect, it } from "vitest";
import type { FaultRecord, Journal, ProbeSample } from "../core/index.ts";
import { samplesWhileActive } from "./journal-queries.ts";

function partition(overrides: Partial<FaultRecord> = {}): FaultRecord {
  return {
    name: "partition Postgres",
    kind: "toxiproxy/partition",
    cause: "equipment-failure",
    target: "proxy postgres",
    parameters: {},
    trigger: "once 20% of the objects are committed",
    plannedDurationMs: 1_000,
    injectedAt: 100,
    removedAt: 1_150,
    recoveredAt: null,
    observations: {},
    ...overrides,
  };
}

function ping(at: number): ProbeSample {
  return { probe: "postgres latency", at, phase: "during", value: null, ok: false };
}

function journalWith(samples: ProbeSample[]): Journal {
  return { steadyStateBefore: true, status: "completed", samples } as unknown as Journal;
}

describe("samplesWhileActive", () => {
  const samples = [ping(50), ping(100), ping(1_099), ping(1_120), ping(1_200)];

  it("keeps the samples begun after the effect was seen and before the planned removal began, not up to removedAt", () => {
    // removedAt is stamped once the removal is seen: a ping begun at 1,120 ran against the repaired network.
    expect(samplesWhileActive(journalWith(samples), partition(), "postgres latency").map((sample) => sample.at)).toEqual([100, 1_099]);
  });

  it("ends at removedAt for a fault removed before its planned duration, and for one with no duration", () => {
    expect(samplesWhileActive(journalWith(samples), partition({ removedAt: 1_050 }), "postgres latency").map((sample) => sample.at)).toEqual([100]);
    expect(samplesWhileActive(journalWith(samples), partition({ plannedDurationMs: null }), "postgres latency").map((sample) => sample.at)).toEqual([
      100, 1_099, 1_120,
    ]);
  });
});
