import { describe, expect, it } from "vitest";
import type { ChaosEnvironment } from "../core/index.ts";
import { answersWithin, ERROR_RATE_PROBE, errorRate, throughput, THROUGHPUT_PROBE, type ProbeContext } from "./probe.ts";
import { ProgressTracker } from "./progress-tracker.ts";
import { FakeEnvironment } from "../testing/index.ts";

function context(progress: ProgressTracker, env: ChaosEnvironment = new FakeEnvironment()): ProbeContext {
  return { env, progress, baselineThroughput: 100, pipelineRunning: true };
}

/** A tracker whose first commit was at 0 and that has committed `objectsPerSecond` since, up to `at`. */
function steady(objectsPerSecond: number, at: number, inputObjects = 10_000): ProgressTracker {
  const tracker = new ProgressTracker(inputObjects);
  for (let t = 0; t <= at; t += 250)
    tracker.record(t, { objectsDone: 1 + Math.floor((t * objectsPerSecond) / 1000), pairsWritten: 0, retries: 0, quarantined: 0 });
  return tracker;
}

describe("throughput", () => {
  const probe = throughput({ atLeast: 0.5, windowMs: 1_000 });

  it("measures objects per second over its window", async () => {
    expect(probe.name).toBe(THROUGHPUT_PROBE);
    expect(probe.whilePipelineRuns).toBe(true);
    expect(await probe.measure(context(steady(80, 3_000)))).toBe(80);
  });

  it("accepts at or above the fraction of the baseline, rejects below it", async () => {
    const fast = context(steady(50, 3_000));
    expect(probe.accepts(await probe.measure(fast), fast)).toBe(true);
    const slow = context(steady(40, 3_000));
    expect(probe.accepts(await probe.measure(slow), slow)).toBe(false);
  });

  it("accepts anything while the pipeline warms up", () => {
    const warming = context(steady(0, 900));
    expect(warming.progress.warmingUp(1_000)).toBe(true);
    expect(probe.accepts(0, warming)).toBe(true);
    const none = new ProgressTracker(10);
    expect(probe.accepts(0, context(none))).toBe(true);
  });

  it("accepts anything once every input object is committed", () => {
    const done = steady(40, 3_000, 100);
    expect(done.extractionComplete).toBe(true);
    expect(probe.accepts(0, context(done))).toBe(true);
  });

  it("declares its tolerance with the baseline it was judged against", () => {
    expect(probe.declaration({ baselineThroughput: 300 })).toEqual({
      name: THROUGHPUT_PROBE,
      unit: "objects/s",
      role: "hypothesis",
      tolerance: ">= 50% of baseline (150 objects/s) over 1000 ms",
    });
  });
});

describe("errorRate", () => {
  it("measures retries per second and accepts up to its limit", async () => {
    const probe = errorRate({ atMostPerSecond: 4, windowMs: 1_000 });
    const tracker = new ProgressTracker(100);
    tracker.record(0, { objectsDone: 0, pairsWritten: 0, retries: 0, quarantined: 0 });
    tracker.record(500, { objectsDone: 0, pairsWritten: 0, retries: 2, quarantined: 0 });
    expect(probe.name).toBe(ERROR_RATE_PROBE);
    const value = await probe.measure(context(tracker));
    expect(value).toBe(4);
    expect(probe.accepts(value, context(tracker))).toBe(true);
    expect(probe.accepts(4.01, context(tracker))).toBe(false);
  });
});

describe("answersWithin", () => {
  it("pings the service with a timeout of twice the tolerance (at least 250 ms) and accepts within the tolerance", async () => {
    const env = new FakeEnvironment({ ping: (service) => (service === "postgres" ? 30 : 400) });
    const postgres = answersWithin("postgres", 50);
    const s3 = answersWithin("s3", 300);
    expect(postgres.name).toBe("postgres latency");
    expect(postgres.whilePipelineRuns).toBe(false);
    const ctx = context(new ProgressTracker(1), env);
    expect(await postgres.measure(ctx)).toBe(30);
    expect(await s3.measure(ctx)).toBe(400);
    expect(env.pings).toEqual([
      { service: "postgres", timeoutMs: 250 },
      { service: "s3", timeoutMs: 600 },
    ]);
    expect(postgres.accepts(50, ctx)).toBe(true);
    expect(s3.accepts(400, ctx)).toBe(false);
  });

  it("lets a failed ping throw, for the runner to record", async () => {
    const env = new FakeEnvironment({
      ping: () => {
        throw new Error("ECONNREFUSED");
      },
    });
    await expect(answersWithin("postgres", 50).measure(context(new ProgressTracker(1), env))).rejects.toThrow("ECONNREFUSED");
  });
});
