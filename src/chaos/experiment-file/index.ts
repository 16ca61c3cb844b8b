/** Experiments as data: YAML or JSON files validated by `schemas/experiment.schema.json`, built into {@link ExperimentDefinition}s. */
export { loadExperimentFile, parseExperimentFile, EXPERIMENT_SCHEMA_FILE } from "./load-experiment-file.ts";
export { ExperimentFileError, type FileProblem } from "./source-document.ts";
export { parseVariableArguments, type VariableOptions } from "./variables.ts";
export type * from "./experiment-file.ts";
