import type { ProbeSample } from "../../core/index.ts";
import { FakeEnvironment } from "../../testing/index.ts";
import type { Probe, ProbeContext } from "../probe.ts";
import { takeSample } from "../probe-sample.ts";
import { ProgressTracker } from "../progress-tracker.ts";

/** A context for probes that look at nothing of the pipeline (the generic ones). */
export function probeContext(): ProbeContext {
  return { env: new FakeEnvironment(), progress: new ProgressTracker(1), baselineThroughput: 0, pipelineRunning: false };
}

/** One sample of `probe`, as the runner records it during the method. */
export function sampleOnce(probe: Probe): Promise<ProbeSample> {
  return takeSample(probe, probeContext(), "during", 0);
}
