import {
  answersWithin,
  commandProbe,
  errorRate,
  httpProbe,
  pipelineSteadyState,
  promqlProbe,
  sqlProbe,
  throughput,
  type Probe,
  type SafetyProbe,
} from "../experiment/index.ts";
import type { ExperimentFile, HypothesisProbeDeclaration, ProbeDeclaration } from "./experiment-file.ts";
import { ProblemList } from "./problem-list.ts";

/** The hypothesis's probes; `pipelineSteadyState` stands for its four. A probe its factory refuses is a problem at its entry. */
export function hypothesisFromFile(entries: readonly HypothesisProbeDeclaration[], problems: ProblemList): Probe[] {
  return entries.flatMap((entry, index) =>
    problems.attempt(
      ["hypothesis", index],
      () => ("pipelineSteadyState" in entry ? pipelineSteadyState(entry.pipelineSteadyState) : [probeFromFile(entry)]),
      [],
    ),
  );
}

/** The safety probes, each with its tolerance of failures in a row. */
export function safetyFromFile(entries: NonNullable<ExperimentFile["safety"]>, problems: ProblemList): SafetyProbe[] {
  return entries.flatMap((entry, index) =>
    problems.attempt(["safety", index, "probe"], () => [{ probe: probeFromFile(entry.probe), consecutiveFailures: entry.consecutiveFailures }], []),
  );
}

function probeFromFile(declaration: ProbeDeclaration): Probe {
  if ("throughput" in declaration) return throughput(declaration.throughput);
  if ("errorRate" in declaration) return errorRate(declaration.errorRate);
  if ("answersWithin" in declaration) return answersWithin(declaration.answersWithin.service, declaration.answersWithin.withinMs);
  if ("http" in declaration) return httpProbe(declaration.http);
  if ("sql" in declaration) return sqlProbe(declaration.sql);
  if ("promql" in declaration) return promqlProbe(declaration.promql);
  return commandProbe(declaration.command);
}
