import { answersWithin, errorRate, throughput, type Probe } from "./probe.ts";

/** Tolerances of {@link pipelineSteadyState}. */
export interface SteadyStateTolerances {
  /** Share of the baseline throughput the pipeline keeps (default 0.3). */
  throughputAtLeast?: number;
  /** Retries per second (default 5). */
  retriesPerSecondAtMost?: number;
  /** Round trip to Postgres and to S3 on the pipeline's path, in ms (default 500). */
  dependenciesAnswerWithinMs?: number;
}

/**
 * The usual steady state of the pipeline: it makes progress at a good share
 * of its fault-free pace, without a storm of retries, and Postgres and S3
 * answer it promptly.
 */
export function pipelineSteadyState(tolerances: SteadyStateTolerances = {}): Probe[] {
  const within = tolerances.dependenciesAnswerWithinMs ?? 500;
  return [
    throughput({ atLeast: tolerances.throughputAtLeast ?? 0.3 }),
    errorRate({ atMostPerSecond: tolerances.retriesPerSecondAtMost ?? 5 }),
    answersWithin("postgres", within),
    answersWithin("s3", within),
  ];
}
