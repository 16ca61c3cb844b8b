import type { AttachedSystem, ChaosEnvironment, ServiceName, ProbeDeclaration } from "../core/index.ts";
import type { ProgressTracker } from "./progress-tracker.ts";

/** What a probe can look at when it is sampled. */
export interface ProbeContext {
  env: ChaosEnvironment;
  /** The system under test, once attached to `env` (undefined before, e.g. while the corpus is seeded). */
  system?: AttachedSystem;
  progress: ProgressTracker;
  /** Objects per second of the fault-free baseline run. */
  baselineThroughput: number;
  /** Whether a pipeline process is currently meant to be running. */
  pipelineRunning: boolean;
}

/** A measurement with a tolerance: part of the steady-state hypothesis. */
export interface Probe {
  readonly name: string;
  readonly unit: string;
  /** Measures only while the pipeline runs (throughput, error rate); others are also checked before and after. */
  readonly whilePipelineRuns: boolean;
  declaration(context: Pick<ProbeContext, "baselineThroughput">): ProbeDeclaration;
  measure(context: ProbeContext): Promise<number>;
  accepts(value: number, context: ProbeContext): boolean;
}

/** Name of the {@link throughput} probe, as its samples carry it in the journal. */
export const THROUGHPUT_PROBE = "pipeline throughput";
/** Name of the {@link errorRate} probe. */
export const ERROR_RATE_PROBE = "pipeline error rate";
/** Names of the {@link answersWithin} probes, by service. */
export const LATENCY_PROBE: Readonly<Record<ServiceName, string>> = { postgres: "postgres latency", s3: "s3 latency" };

/**
 * Objects committed per second over a sliding window, at least `atLeast` of
 * the baseline's. Holds while the pipeline warms up (the first process's
 * first commit is less than a window old) and once every input object is
 * committed.
 */
export function throughput(options: { atLeast: number; windowMs?: number }): Probe {
  const windowMs = options.windowMs ?? 2_000;
  return {
    name: THROUGHPUT_PROBE,
    unit: "objects/s",
    whilePipelineRuns: true,
    declaration: ({ baselineThroughput }) => ({
      name: THROUGHPUT_PROBE,
      unit: "objects/s",
      role: "hypothesis",
      tolerance: `>= ${Math.round(options.atLeast * 100)}% of baseline (${(options.atLeast * baselineThroughput).toFixed(0)} objects/s) over ${windowMs} ms`,
    }),
    measure: async ({ progress }) => progress.rate("objectsDone", windowMs),
    accepts: (value, { progress, baselineThroughput }) =>
      progress.warmingUp(windowMs) || progress.extractionComplete || value >= options.atLeast * baselineThroughput,
  };
}

/** Retried operations per second over a sliding window, at most `atMostPerSecond`. */
export function errorRate(options: { atMostPerSecond: number; windowMs?: number }): Probe {
  const windowMs = options.windowMs ?? 1_000;
  return {
    name: ERROR_RATE_PROBE,
    unit: "retries/s",
    whilePipelineRuns: true,
    declaration: () => ({
      name: ERROR_RATE_PROBE,
      unit: "retries/s",
      role: "hypothesis",
      tolerance: `<= ${options.atMostPerSecond} retries/s over ${windowMs} ms`,
    }),
    measure: async ({ progress }) => progress.rate("retries", windowMs),
    accepts: (value) => value <= options.atMostPerSecond,
  };
}

/** One round trip to `service` on the pipeline's path answers within `withinMs`. */
export function answersWithin(service: ServiceName, withinMs: number): Probe {
  const name = LATENCY_PROBE[service];
  return {
    name,
    unit: "ms",
    whilePipelineRuns: false,
    declaration: () => ({ name, unit: "ms", role: "hypothesis", tolerance: `answers within ${withinMs} ms` }),
    measure: ({ env }) => env.ping(service, Math.max(withinMs * 2, 250)),
    accepts: (value) => value <= withinMs,
  };
}
