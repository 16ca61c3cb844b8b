import type { ExperimentPhase, ProbeDeclaration, ProbeSample } from "../core/index.ts";
import { ExperimentStop } from "./experiment-stop.ts";
import type { Probe, ProbeContext } from "./probe.ts";
import { takeSample } from "./probe-sample.ts";
import type { ExperimentProbes, SafetyCondition } from "./safety-probe.ts";

/**
 * Watches the safety probes, as AWS FIS stop conditions do: each is sampled
 * with the hypothesis during the method, and the one failing its
 * `consecutiveFailures`-th sample in a row stops the method. Before the
 * method each must hold once, or nothing is injected.
 */
export class SafetyMonitor {
  private readonly conditions: readonly Required<SafetyCondition>[];
  private readonly failuresInARow = new Map<string, number>();

  constructor(definition: ExperimentProbes) {
    this.conditions = safetyConditions(definition);
  }

  /** Samples every applicable safety probe once, passing each sample to `record`; returns the stop when one tripped. */
  async check(context: ProbeContext, phase: ExperimentPhase, at: number, record: (sample: ProbeSample) => void): Promise<ExperimentStop | undefined> {
    const due = this.conditions.filter(({ probe }) => !probe.whilePipelineRuns || (phase === "during" && context.pipelineRunning));
    const samples = await Promise.all(due.map(({ probe }) => takeSample(probe, context, phase, at)));
    let stop: ExperimentStop | undefined;
    for (const [i, sample] of samples.entries()) {
      record(sample);
      const { probe, consecutiveFailures } = due[i]!;
      const failures = sample.ok ? 0 : (this.failuresInARow.get(probe.name) ?? 0) + 1;
      this.failuresInARow.set(probe.name, failures);
      if (sample.ok || stop) continue;
      if (phase === "before")
        stop = new ExperimentStop("aborted", `safety: ${describeFailure(probe, sample, context)} before the method; nothing was injected`);
      else if (failures >= consecutiveFailures) {
        const inARow = consecutiveFailures > 1 ? ` (${failures} samples in a row)` : "";
        stop = new ExperimentStop("aborted", `safety: ${describeFailure(probe, sample, context)}${inARow}; the method was stopped and rolled back`);
      }
    }
    return stop;
  }
}

/** The safety probes as the journal declares them: role "safety", with what trips them. */
export function safetyDeclarations(definition: ExperimentProbes, baselineThroughput: number): ProbeDeclaration[] {
  return safetyConditions(definition).map(({ probe, consecutiveFailures }) => {
    const declared = probe.declaration({ baselineThroughput });
    const trips = consecutiveFailures > 1 ? `${consecutiveFailures} failed samples in a row stop` : "a failed sample stops";
    return { ...declared, role: "safety", tolerance: `${declared.tolerance}; ${trips} the method` };
  });
}

function safetyConditions(definition: ExperimentProbes): Required<SafetyCondition>[] {
  const hypothesis = new Set(definition.hypothesis.map((probe) => probe.name));
  const seen = new Set<string>();
  return (definition.safety ?? []).map((entry, i) => {
    const condition = "probe" in entry ? { probe: entry.probe, consecutiveFailures: entry.consecutiveFailures ?? 1 } : { probe: entry, consecutiveFailures: 1 };
    const field = `safety[${i}]`;
    if (!Number.isInteger(condition.consecutiveFailures) || condition.consecutiveFailures < 1) {
      throw new Error(`${field}.consecutiveFailures must be a whole number of at least 1, got ${condition.consecutiveFailures}`);
    }
    const { name } = condition.probe;
    // Samples are told apart by probe name: a shared name would count a safety sample as the hypothesis's.
    if (hypothesis.has(name)) throw new Error(`${field}: "${name}" is also a hypothesis probe; give the safety probe a name of its own`);
    if (seen.has(name)) throw new Error(`${field}: "${name}" is listed twice`);
    seen.add(name);
    return condition;
  });
}

function describeFailure(probe: Probe, sample: ProbeSample, context: ProbeContext): string {
  if (sample.value === null) return `"${probe.name}" could not measure: ${sample.error}`;
  const { tolerance } = probe.declaration(context);
  return `"${probe.name}" measured ${sample.value} ${probe.unit} (tolerance: ${tolerance})`;
}
