import { basename } from "node:path";
import type { ExperimentStatus } from "../chaos/experiment/index.ts";
import type { ScenarioOutcome } from "./run-verdict.ts";

/** The parts of Vitest's task tree this module reads (a structural subset of its `File`/`Test` tasks). */
export interface TaskLike {
  type: string;
  name: string;
  mode?: string;
  filepath?: string;
  tasks?: readonly TaskLike[];
  annotations?: readonly { type: string; message: string }[];
  result?: { state?: string; note?: string; errors?: readonly { message?: string }[] };
}

/** Every test of the scenario files as a {@link ScenarioOutcome}: its state, the journal status its fixture annotated, and why it failed or skipped. */
export function scenarioOutcomes(files: readonly TaskLike[]): ScenarioOutcome[] {
  return files.flatMap((file) => testsOf(file).map((test) => outcomeOf(scenarioName(file), test)));
}

function testsOf(task: TaskLike): TaskLike[] {
  if (task.type === "test") return [task];
  return (task.tasks ?? []).flatMap(testsOf);
}

function scenarioName(file: TaskLike): string {
  const path = file.filepath ?? file.name;
  const inFolder = /scenarios\/(.+)\.test\.ts$/.exec(path);
  return inFolder?.[1] ?? basename(path).replace(/\.test\.ts$/, "");
}

function outcomeOf(scenario: string, test: TaskLike): ScenarioOutcome {
  const annotation = (type: string) => test.annotations?.find((entry) => entry.type === type)?.message;
  const status = annotation("status") as ExperimentStatus | undefined;
  const state = test.result?.state === "pass" ? "passed" : test.result?.state === "fail" ? "failed" : "skipped";
  const reason =
    state === "failed" ? test.result?.errors?.[0]?.message : state === "skipped" ? (test.result?.note ?? `skipped when collected: ${test.name}`) : undefined;
  const journal = annotation("journal");
  return {
    scenario,
    test: test.name,
    state,
    ...(status !== undefined ? { journalStatus: status } : {}),
    ...(reason !== undefined ? { reason: firstLine(reason) } : {}),
    ...(journal ? { journal } : {}),
  };
}

function firstLine(text: string): string {
  const line = text.split("\n").find((part) => part.trim() !== "") ?? text;
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}
