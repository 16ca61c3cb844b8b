import type { ExperimentPhase, ProbeSample } from "../core/index.ts";
import type { Probe, ProbeContext } from "./probe.ts";

/** Measures `probe` once; an error in measuring is a failed sample carrying the error, never a throw. */
export async function takeSample(probe: Probe, context: ProbeContext, phase: ExperimentPhase, at: number): Promise<ProbeSample> {
  try {
    const value = await probe.measure(context);
    return { probe: probe.name, at, phase, value, ok: probe.accepts(value, context) };
  } catch (error) {
    return { probe: probe.name, at, phase, value: null, ok: false, error: (error as Error).message };
  }
}
