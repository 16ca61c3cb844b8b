import { setTimeout as sleep } from "node:timers/promises";
import type { AttachedSystem, PipelineLaunchRequest } from "../core/index.ts";
import { ProgressTracker } from "./progress-tracker.ts";

/** What the fault-free run of the corpus measured. */
export interface Baseline {
  /** Objects committed per second between the first commit seen and the last. */
  throughput: number;
  durationMs: number;
}

/**
 * Runs the pipeline over the corpus with no fault, into its own database
 * (the golden output), and measures its throughput the way the experiment's
 * probes will: from the same metrics, sampled the same way.
 */
export async function measureBaseline(system: AttachedSystem, request: PipelineLaunchRequest, inputObjects: number, signal: AbortSignal): Promise<Baseline> {
  const started = performance.now();
  const tracker = new ProgressTracker(inputObjects);
  await using pipeline = await system.start(request);
  let exit;
  for (;;) {
    signal.throwIfAborted();
    try {
      tracker.record(performance.now(), await pipeline.progress());
    } catch {
      // not listening yet, or already gone
    }
    exit = await Promise.race([pipeline.exited, sleep(100).then(() => undefined)]);
    if (exit) break;
  }
  if (exit.code !== 0) throw new Error(`the fault-free baseline run failed (${exit.signal ?? `exit code ${exit.code}`}):\n${exit.outputTail}`);
  const durationMs = performance.now() - started;
  const first = tracker.warmedUpAt;
  const last = tracker.completedAt;
  const throughput =
    first !== undefined && last !== undefined && last - first >= 200
      ? ((inputObjects - tracker.objectsDoneAtWarmUp) * 1000) / (last - first)
      : (inputObjects * 1000) / durationMs;
  return { throughput, durationMs };
}
