import type { FaultRecord, IntegrityVerdict, Journal, ProbeSample } from "../../core/index.ts";

/** A journal with every field set and nothing happening; tests override what they look at. */
export function buildJournal(overrides: Partial<Journal> = {}): Journal {
  return {
    schemaVersion: 1,
    id: "postgres-kill-mid-copy",
    title: "kill -9 Postgres mid-COPY",
    cause: "equipment-failure",
    environment: { kind: "embedded", target: "127.0.0.1" },
    startedAt: "2025-11-24T10:00:00.000Z",
    durationMs: 10_000,
    status: "completed",
    steadyStateDeviated: false,
    steadyStateBefore: true,
    steadyStateAfter: true,
    budget: { recoveryMs: 5_000 },
    probes: [
      { name: "pipeline throughput", unit: "objects/s", tolerance: ">= 30% of baseline (412 objects/s)", role: "hypothesis" },
      { name: "pipeline error rate", unit: "retries/s", tolerance: "<= 5 retries/s", role: "hypothesis" },
    ],
    faults: [],
    samples: [],
    rollbacks: [],
    figures: {
      recoveryMs: null,
      detectionMs: null,
      baselineThroughput: 412,
      throughputDuringFault: null,
      pipelineDurationMs: 10_000,
      pipelineProcesses: 1,
      retries: 0,
    },
    integrity: null,
    ...overrides,
  };
}

/** A fault record in effect from `injectedAt` to `removedAt`. */
export function buildFault(overrides: Partial<FaultRecord> = {}): FaultRecord {
  return {
    name: "kill -9 Postgres mid-COPY",
    kind: "process/kill",
    cause: "equipment-failure",
    target: "postgres",
    parameters: { signal: "SIGKILL" },
    trigger: "when a COPY is in flight",
    plannedDurationMs: 3_000,
    injectedAt: 3_000,
    removedAt: 6_000,
    recoveredAt: 7_200,
    observations: { pid: 48_213, downMs: 3_004, readyAfterMs: 812 },
    ...overrides,
  };
}

/** Integrity that matched the golden run. */
export function intactIntegrity(): IntegrityVerdict {
  return {
    ok: true,
    summary: "all 1,204 instrument rows and 318 pairs match the golden output",
    counts: {
      rows: { filename_instrument: { golden: 1_204, experiment: 1_204 }, filepair_similarity_score: { golden: 318, experiment: 318 } },
      quarantined: 7,
      inputObjects: 250,
    },
    lost: [],
    lostCount: 0,
    extra: [],
    extraCount: 0,
    duplicated: [],
    duplicatedCount: 0,
    mismatched: [],
    mismatchedCount: 0,
    unaccounted: [],
    quarantine: [],
  };
}

/**
 * Throughput and error-rate samples every 250 ms: steady at the baseline,
 * collapsing while [faultFromMs, recoveredAtMs) and steady again after.
 */
export function probeSamples(durationMs: number, faultFromMs: number, faultToMs: number, recoveredAtMs: number): ProbeSample[] {
  const samples: ProbeSample[] = [];
  for (let at = 0; at <= durationMs; at += 250) {
    const phase = at < faultFromMs ? "before" : at < faultToMs ? "during" : "after";
    const disturbed = at >= faultFromMs && at < recoveredAtMs;
    const wobble = Math.sin(at / 400) * 12;
    const rampProgress = (at - faultToMs) / Math.max(1, recoveredAtMs - faultToMs);
    const throughput = disturbed ? (at < faultToMs ? 20 + wobble : 180 + rampProgress * 150) : 412 + wobble;
    samples.push({ probe: "pipeline throughput", at, phase, value: Math.max(0, throughput), ok: !disturbed || throughput >= 124 });
    const retries = disturbed ? 9 + Math.cos(at / 300) * 3 : 0.2;
    samples.push({ probe: "pipeline error rate", at, phase, value: retries, ok: retries <= 5 });
  }
  return samples;
}

/** A completed scenario: Postgres killed at 3 s, back at 6 s, steady again at 7.2 s, nothing lost. */
export function completedScenario(): Journal {
  return buildJournal({
    durationMs: 12_000,
    steadyStateDeviated: true,
    faults: [buildFault()],
    samples: probeSamples(12_000, 3_000, 6_000, 7_200),
    rollbacks: [{ name: "restart postgres", at: 6_000, ok: true }],
    figures: {
      recoveryMs: 1_200,
      detectionMs: 250,
      baselineThroughput: 412,
      throughputDuringFault: 0.02,
      pipelineDurationMs: 11_800,
      pipelineProcesses: 2,
      retries: 41,
    },
    integrity: intactIntegrity(),
  });
}

/** A failed scenario: S3 latency toxic, recovery over budget, and rows lost and duplicated. */
export function failedScenarioWithIntegrityDifference(): Journal {
  return buildJournal({
    id: "s3-latency-toxic",
    title: "S3 downstream latency 2 s",
    cause: "overload",
    durationMs: 20_000,
    status: "failed",
    reason: "integrity: 3 instrument rows lost, 1 pair duplicated",
    steadyStateDeviated: true,
    steadyStateAfter: true,
    budget: { recoveryMs: 4_000 },
    faults: [
      buildFault({
        name: "S3 latency 2000 ms",
        kind: "toxic/latency",
        cause: "overload",
        target: "proxy s3 downstream",
        parameters: { type: "latency", stream: "downstream", attributes: { latency: 2_000, jitter: 100 } },
        trigger: "after 2000 ms",
        plannedDurationMs: 5_000,
        injectedAt: 2_000,
        removedAt: 7_000,
        recoveredAt: 13_500,
        observations: { toxic: { name: "latency_downstream", type: "latency", toxicity: 1 }, requestsDelayed: 187 },
      }),
    ],
    samples: [
      ...probeSamples(20_000, 2_000, 7_000, 13_500),
      { probe: "s3 latency", at: 1_000, phase: "before", value: 4, ok: true },
      { probe: "s3 latency", at: 4_000, phase: "during", value: 2_080, ok: false },
      { probe: "s3 latency", at: 9_000, phase: "after", value: null, ok: false, error: "probe timed out after 5000 ms" },
      { probe: "s3 latency", at: 15_000, phase: "after", value: 5, ok: true },
    ],
    rollbacks: [
      { name: "remove latency toxic", at: 7_000, ok: true },
      { name: "delete bucket", at: 19_500, ok: false, error: "NoSuchBucket: The specified bucket does not exist" },
    ],
    figures: {
      recoveryMs: 6_500,
      detectionMs: 1_250,
      baselineThroughput: 412,
      throughputDuringFault: 0.05,
      pipelineDurationMs: 19_000,
      pipelineProcesses: 1,
      retries: 96,
    },
    integrity: {
      ok: false,
      summary: "3 instrument rows lost, 1 pair duplicated",
      counts: {
        rows: { filename_instrument: { golden: 1_204, experiment: 1_201 }, filepair_similarity_score: { golden: 318, experiment: 319 } },
        quarantined: 7,
        inputObjects: 250,
      },
      lost: ["lakh/a/0042.mid#0", "lakh/a/0042.mid#1", "lakh/c/0917.mid#3"],
      lostCount: 3,
      extra: [],
      extraCount: 0,
      duplicated: ["lakh/b/0101.mid|lakh/d/0230.mid"],
      duplicatedCount: 1,
      mismatched: [],
      mismatchedCount: 0,
      unaccounted: ["lakh/a/0042.mid"],
      quarantine: [],
    },
  });
}
