import { readFile } from "node:fs/promises";
import type { ValidateFunction } from "ajv";
import { corruptObjects, syntheticSongs, type ExperimentDefinition, type SeedObject } from "../experiment/index.ts";
import type { CorpusDeclaration, ExperimentFile } from "./experiment-file.ts";
import { methodFromFile } from "./fault-from-file.ts";
import { hypothesisFromFile, safetyFromFile } from "./probe-from-file.ts";
import { ProblemList } from "./problem-list.ts";
import { compileSchema, loadSchema, schemaProblems } from "../json-schema/index.ts";
import { ExperimentFileError, SourceDocument } from "./source-document.ts";
import { markVariables, substituteVariables, type VariableOptions } from "./variables.ts";

/** Name of the experiment files' JSON Schema in `schemas/`. */
export const EXPERIMENT_SCHEMA_FILE = "experiment.schema.json";

let validator: ValidateFunction | undefined;

/** Reads an experiment file (YAML or JSON) and builds its definition; see {@link parseExperimentFile}. */
export async function loadExperimentFile(
  path: string,
  variables: Readonly<Record<string, string>> = {},
  options: VariableOptions = {},
): Promise<ExperimentDefinition> {
  return parseExperimentFile(await readFile(path, "utf8"), path, variables, options);
}

/**
 * An experiment file's text as a runnable definition: `${name}` variables
 * substituted, the JSON Schema checked, then every fault, trigger and probe
 * built as its TypeScript factory builds it. Throws an
 * {@link ExperimentFileError} listing every problem found, each with its
 * field and line; nothing runs from a file with one.
 */
export function parseExperimentFile(
  text: string,
  file: string,
  variables: Readonly<Record<string, string>> = {},
  options: VariableOptions = {},
): ExperimentDefinition {
  const source = SourceDocument.parse(markVariables(text), file);
  const problems = new ProblemList(source);
  problems.addAll(substituteVariables(source, variables, options));
  if (problems.all.length > 0) throw new ExperimentFileError(file, problems.all);

  const data = source.data();
  validator ??= compileSchema(loadSchema(EXPERIMENT_SCHEMA_FILE));
  if (!validator(data)) {
    for (const problem of schemaProblems(validator.errors ?? [], data)) problems.add(problem.path, problem.message, problem.atKey);
    throw new ExperimentFileError(file, problems.all);
  }
  const experiment = data as ExperimentFile;
  const definition: ExperimentDefinition = {
    id: experiment.id,
    title: experiment.title,
    cause: experiment.cause,
    corpus: corpusFromFile(experiment.corpus),
    hypothesis: hypothesisFromFile(experiment.hypothesis, problems),
    method: methodFromFile(experiment.method, problems),
    budget: { recoveryMs: experiment.budget.recoveryMs },
    ...(experiment.safety ? { safety: safetyFromFile(experiment.safety, problems) } : {}),
    ...pick(experiment, ["rerun", "pipeline", "timeLimitMs", "maxRetries", "sampleEveryMs", "stableForMs"]),
  };
  const names = new Map<string, number>();
  experiment.method.forEach((entry, index) => {
    const first = names.get(entry.name);
    if (first !== undefined) problems.add(["method", index, "name"], `repeats the name of method[${first}]; fault names identify faults in the journal`);
    else names.set(entry.name, index);
  });
  if (problems.all.length > 0) throw new ExperimentFileError(file, problems.all);
  return definition;
}

function corpusFromFile(corpus: CorpusDeclaration): SeedObject[] {
  return [...(corpus.syntheticSongs ? syntheticSongs(corpus.syntheticSongs, corpus.seed) : []), ...(corpus.corruptObjects ? corruptObjects() : [])];
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((key) => value[key] !== undefined).map((key) => [key, value[key]])) as Partial<Pick<T, K>>;
}
