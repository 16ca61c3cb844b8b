import type { Probe } from "./probe.ts";

/** A safety probe that tolerates a few failed samples in a row before it stops the method. */
export interface SafetyCondition {
  probe: Probe;
  /** Failed samples in a row that abort the method (default 1). */
  consecutiveFailures?: number;
}

/** An entry of an experiment's `safety` list: a probe (one failed sample stops the method) or a {@link SafetyCondition}. */
export type SafetyProbe = Probe | SafetyCondition;

/** The probes an experiment samples: its hypothesis and its safety probes. */
export interface ExperimentProbes {
  hypothesis: readonly Probe[];
  safety?: readonly SafetyProbe[];
}
