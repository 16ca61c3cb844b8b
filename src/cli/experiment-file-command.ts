import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { GuardRefusalError, type EnvironmentKind, type Journal } from "../chaos/core/index.ts";
import { runExperiment, selectedEnvironmentKind, startEnvironment, writeJournal, type ExperimentDefinition } from "../chaos/experiment/index.ts";
import { ExperimentFileError, loadExperimentFile, parseVariableArguments } from "../chaos/experiment-file/index.ts";
import { experimentVerdict, type ExperimentVerdict } from "./experiment-verdict.ts";
import { RUN_EXIT_CODES } from "./run-verdict.ts";

export const VALIDATE_USAGE = `Usage: chaos-control validate [--var name=value]... FILE...

Checks experiment files (YAML or JSON, schemas/experiment.schema.json) without
running them: variables substituted, the schema, and every fault, trigger and
probe as it would be built. Every problem is listed with its field and line.

  --var name=value     value of \${name} in the files (repeatable); one no file uses is an error

Exit codes: 0 every file is valid, 1 a file is not, 2 bad usage.
`;

export const RUN_FILE_USAGE = `Usage: chaos-control run FILE [--var name=value]... [options]

Runs the experiment of one file (YAML or JSON) on the selected environment and
writes its journal to <reports>/journals/<id>.json. It passes when it completed,
its tables match the golden output and it recovered within its budget.

  --var name=value     value of \${name} in the file (repeatable); missing and unused ones are errors
  --env KIND           embedded (default) | containers | kubernetes (same as CHAOS_ENV)
  --reports DIR        where journals go (default: CHAOS_REPORTS_DIR, else ./reports)
  --json               print the outcome as JSON on stdout

Exit codes: 0 passed, 1 its verdict failed, 2 bad usage or an invalid file,
3 aborted or refused by a safety limit (e.g. a target not opted into), 4 the
environment failed, 5 its fault is not available on this environment,
130 interrupted.
`;

/** `chaos-control validate FILE...`. */
export async function runValidateCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine(argv, {}, VALIDATE_USAGE);
  if (typeof parsed === "number") return parsed;
  if (parsed.files.length === 0) return usageError("validate needs at least one file", VALIDATE_USAGE);
  const used = new Set<string>();
  let invalid = 0;
  for (const file of parsed.files) {
    try {
      const definition = await loadExperimentFile(file, parsed.variables, { unused: "ignore", used });
      process.stdout.write(`${file}: valid: ${describe(definition)}\n`);
    } catch (error) {
      invalid += 1;
      process.stderr.write(`${fileErrorText(file, error)}\n`);
    }
  }
  for (const name of Object.keys(parsed.variables).filter((name) => !used.has(name))) {
    invalid += 1;
    process.stderr.write(`--var ${name}: no file uses \${${name}}\n`);
  }
  return invalid === 0 ? 0 : 1;
}

/** The outcome of {@link runExperimentFile}. */
export interface ExperimentFileRun {
  journal: Journal;
  journalPath: string;
  verdict: ExperimentVerdict;
}

/** Runs one experiment definition on a freshly started environment of `kind`, writes its journal, and judges it. */
export async function runExperimentFile(definition: ExperimentDefinition, options: { env?: EnvironmentKind; reportsDir: string }): Promise<ExperimentFileRun> {
  const env = await startEnvironment(options.env ?? selectedEnvironmentKind());
  let journalPath = "";
  try {
    const journal = await runExperiment(env, definition, {
      onJournal: async (finished) => (journalPath = await writeJournal(finished, join(options.reportsDir, "journals"))),
    });
    return { journal, journalPath, verdict: experimentVerdict(journal) };
  } finally {
    await env.stop();
  }
}

/** `chaos-control run FILE`. */
export async function runExperimentFileCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { env: { type: "string" }, reports: { type: "string" }, json: { type: "boolean" } }, RUN_FILE_USAGE);
  if (typeof parsed === "number") return parsed;
  if (parsed.files.length !== 1) return usageError(`run takes one experiment file, got ${parsed.files.length}`, RUN_FILE_USAGE);
  const [file] = parsed.files as [string];
  let kind: EnvironmentKind;
  let definition: ExperimentDefinition;
  try {
    kind = selectedEnvironmentKind((parsed.values.env as string | undefined) ?? process.env.CHAOS_ENV);
    definition = await loadExperimentFile(file, parsed.variables);
  } catch (error) {
    process.stderr.write(`${fileErrorText(file, error)}\n`);
    return 2;
  }
  const reportsDir = resolve((parsed.values.reports as string | undefined) ?? process.env.CHAOS_REPORTS_DIR ?? "reports");
  let run: ExperimentFileRun;
  try {
    run = await runExperimentFile(definition, { env: kind, reportsDir });
  } catch (error) {
    if (error instanceof GuardRefusalError) {
      process.stderr.write(`chaos-control: ${file}: the ${kind} environment was ${error.message}\n`);
      return RUN_EXIT_CODES["aborted-by-safety"];
    }
    process.stderr.write(`chaos-control: ${file}: the ${kind} environment failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return RUN_EXIT_CODES["failed-to-start"];
  }
  const exitCode = RUN_EXIT_CODES[run.verdict.verdict];
  process.stdout.write(parsed.values.json ? `${JSON.stringify(outcomeJson(file, run, exitCode), null, 2)}\n` : outcomeText(file, run));
  return exitCode;
}

function outcomeText(file: string, { journal, journalPath, verdict }: ExperimentFileRun): string {
  const lines = [
    `${file}: ${journal.id} on ${journal.environment.target}: ${verdict.verdict}`,
    ...verdict.failures.map((failure) => `  ✗ ${failure}`),
    `  status     ${journal.status}${journal.reason ? ` (${journal.reason})` : ""}`,
    `  recovery   ${journal.figures.recoveryMs ?? "none"} / ${journal.budget.recoveryMs} ms`,
    `  integrity  ${journal.integrity ? journal.integrity.summary : "not checked"}`,
    ...journal.faults.map((fault) => `  fault      ${fault.name} (${fault.kind}): ${JSON.stringify(fault.observations)}`),
    `  journal    ${journalPath}`,
  ];
  return `${lines.join("\n")}\n`;
}

function outcomeJson(file: string, { journal, journalPath, verdict }: ExperimentFileRun, exitCode: number) {
  return {
    file,
    id: journal.id,
    verdict: verdict.verdict,
    exitCode,
    failures: verdict.failures,
    status: journal.status,
    reason: journal.reason,
    recoveryMs: journal.figures.recoveryMs,
    budgetMs: journal.budget.recoveryMs,
    integrity: journal.integrity?.summary ?? null,
    faults: journal.faults.map(({ name, kind, injectedAt, removedAt, observations, error }) => ({ name, kind, injectedAt, removedAt, observations, error })),
    journal: journalPath,
  };
}

function describe(definition: ExperimentDefinition): string {
  const faults = definition.method.map((action) => action.name).join(", ");
  return `${definition.id}: ${definition.method.length} fault${definition.method.length === 1 ? "" : "s"} (${faults}), ${definition.hypothesis.length} hypothesis probes`;
}

function fileErrorText(file: string, error: unknown): string {
  if (error instanceof ExperimentFileError) return error.message;
  if ((error as NodeJS.ErrnoException).code === "ENOENT") return `${file}: no such file`;
  return `${file}: ${error instanceof Error ? error.message : String(error)}`;
}

type ExtraOptions = Record<string, { type: "string" | "boolean" }>;

function parseCommandLine(
  argv: readonly string[],
  extra: ExtraOptions,
  usage: string,
): { files: string[]; variables: Record<string, string>; values: Record<string, unknown> } | number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { var: { type: "string", multiple: true }, help: { type: "boolean", short: "h" }, ...extra },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
  if (parsed.values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const { variables, problems } = parseVariableArguments((parsed.values.var as string[] | undefined) ?? []);
  if (problems.length > 0) return usageError(problems.map((problem) => `${problem.field}: ${problem.message}`).join("\n"), usage);
  return { files: parsed.positionals, variables, values: parsed.values };
}

function usageError(message: string, usage: string): number {
  process.stderr.write(`chaos-control: ${message}\n\n${usage}`);
  return 2;
}
