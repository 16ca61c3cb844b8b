import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type DowntimeCause } from "../chaos/core/index.ts";
import { RUN_EXIT_CODE_MEANINGS, RUN_EXIT_CODES, runSummary, type RunVerdict } from "./run-verdict.ts";
import { scenarioOutcomes, type TaskLike } from "./vitest-outcomes.ts";

export const RUN_USAGE = `Usage: chaos-control run [options] [name...]

Runs the chaos scenarios (scenarios/*.test.ts) on the selected environment, with
live progress, then writes reports/junit.xml, reports/resilience.json and
reports/resilience.html and prints a summary table.

  name...              only scenarios whose name contains one of these
                       (e.g. postgres, or kubernetes/ for every cluster scenario)

Scenarios in a folder named after an environment (scenarios/kubernetes/*.test.ts,
named kubernetes/<file>) run with that --env only, unless named; named
elsewhere, they skip with the reason.
  --cause CAUSE        only one cause of downtime: overload | equipment-failure | software-failure
                       (repeatable)
  --env KIND           embedded (default) | containers | kubernetes | external (same as CHAOS_ENV)
  --list               print the scenarios that would run (with these options), and exit
  --json               print a JSON summary of the run on stdout (Vitest's progress goes to stderr)
  -h, --help           this text

Faults against anything but the embedded environment need CHAOS_ALLOW_TARGET set
to the environment's exact target name (printed when refused).

Exit codes (the worst outcome of the run wins, in this order):
${exitCodeLines()}
  2    bad usage
`;

function exitCodeLines(): string {
  const order: RunVerdict[] = ["failed-to-start", "interrupted", "aborted-by-safety", "scenario-failed", "nothing-ran", "passed"];
  return order.map((verdict) => `  ${String(RUN_EXIT_CODES[verdict]).padEnd(4)} ${RUN_EXIT_CODE_MEANINGS[verdict]}`).join("\n");
}

const CAUSES: readonly DowntimeCause[] = ["overload", "equipment-failure", "software-failure"];
const ENVIRONMENTS = ["embedded", "containers", "kubernetes", "external"];
const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCENARIOS_DIR = join(PROJECT_ROOT, "scenarios");

/** A scenario file and the cause of downtime it declares. */
export interface ScenarioFile {
  path: string;
  name: string;
  cause: DowntimeCause | undefined;
}

/**
 * Every scenario file, with the cause its experiment declares (read from its
 * source): `scenarios/*.test.ts`, and one folder down (`scenarios/kubernetes/*.test.ts`,
 * named `kubernetes/<file>`), for scenarios that need one environment.
 */
export async function listScenarios(directory = SCENARIOS_DIR): Promise<ScenarioFile[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const nested = await Promise.all(folders.map(async (folder) => (await readdir(join(directory, folder))).map((name) => `${folder}/${name}`)));
  const names = [...entries.filter((entry) => entry.isFile()).map((entry) => entry.name), ...nested.flat()].filter((name) => name.endsWith(".test.ts")).sort();
  return Promise.all(
    names.map(async (name) => {
      const source = await readFile(join(directory, name), "utf8");
      const cause = /\bcause:\s*"([a-z-]+)"/.exec(source)?.[1] as DowntimeCause | undefined;
      return { path: join(directory, name), name: name.replace(/\.test\.ts$/, ""), cause };
    }),
  );
}

/** The scenarios matching the filters: any of `names` (substring of the file name) and any of `causes`. */
export function selectScenarios(all: readonly ScenarioFile[], names: readonly string[], causes: readonly DowntimeCause[]): ScenarioFile[] {
  return all.filter(
    (scenario) =>
      (names.length === 0 || names.some((name) => scenario.name.includes(name))) &&
      (causes.length === 0 || (scenario.cause !== undefined && causes.includes(scenario.cause))),
  );
}

/**
 * Splits scenarios into those for `environment` and those in a folder named
 * after another environment (e.g. `kubernetes/…` on the embedded one).
 */
export function scenariosFor(environment: string, scenarios: readonly ScenarioFile[]): { runnable: ScenarioFile[]; elsewhere: ScenarioFile[] } {
  const folderOf = (scenario: ScenarioFile) => (scenario.name.includes("/") ? scenario.name.slice(0, scenario.name.indexOf("/")) : undefined);
  const elsewhere = scenarios.filter((scenario) => {
    const folder = folderOf(scenario);
    return folder !== undefined && ENVIRONMENTS.includes(folder) && folder !== environment;
  });
  return { runnable: scenarios.filter((scenario) => !elsewhere.includes(scenario)), elsewhere };
}

/** `chaos-control run`: see {@link RUN_EXIT_CODES}; 2 on bad usage. */
export async function runScenariosCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        cause: { type: "string", multiple: true },
        env: { type: "string" },
        list: { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    process.stderr.write(`chaos-control run: ${(error as Error).message}\n\n${RUN_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  const causes = values.cause ?? [];
  const badCause = causes.find((cause) => !CAUSES.includes(cause as DowntimeCause));
  if (badCause !== undefined) {
    process.stderr.write(`chaos-control run: --cause must be one of ${CAUSES.join(", ")}, got ${JSON.stringify(badCause)}\n`);
    return 2;
  }
  if (values.env !== undefined && !ENVIRONMENTS.includes(values.env)) {
    process.stderr.write(`chaos-control run: --env must be one of ${ENVIRONMENTS.join(", ")}, got ${JSON.stringify(values.env)}\n`);
    return 2;
  }
  const environment = values.env ?? process.env.CHAOS_ENV ?? "embedded";
  const matching = selectScenarios(await listScenarios(), positionals, causes as DowntimeCause[]);
  // Named scenarios run wherever asked (and skip with their reason); by default, only the environment's own.
  const { runnable, elsewhere } = positionals.length > 0 ? { runnable: matching, elsewhere: [] } : scenariosFor(environment, matching);
  const selected = runnable;
  if (selected.length === 0) {
    process.stderr.write("chaos-control run: no scenario matches those filters (see --list)\n");
    return 2;
  }
  if (values.list) {
    for (const scenario of selected) process.stdout.write(`${scenario.name.padEnd(40)} ${scenario.cause ?? "?"}\n`);
    return 0;
  }
  if (values.env !== undefined) process.env.CHAOS_ENV = values.env;
  const notRun = elsewhere.length > 0 ? ` (not run: ${elsewhere.length} for other environments, e.g. ${elsewhere[0]!.name}; see --env)` : "";
  process.stderr.write(`running ${selected.length} scenario(s) on the ${environment} environment${notRun}\n`);

  const { startVitest } = await import("vitest/node");
  // With --json, stdout carries only the summary: Vitest's progress and the report table go to stderr.
  const streams = values.json ? { stdout: process.stderr } : {};
  let runErrors: string[];
  let files: TaskLike[] = [];
  try {
    const vitest = await startVitest(
      "test",
      selected.map((scenario) => scenario.path),
      { project: "scenarios*", watch: false, root: PROJECT_ROOT },
      {},
      streams,
    );
    await vitest.close();
    files = vitest.state.getFiles() as TaskLike[];
    runErrors = vitest.state.getUnhandledErrors().map((error) => (error instanceof Error ? error.message : String(error)));
  } catch (error) {
    runErrors = [`the scenarios could not be run: ${(error as Error).message}`];
  }
  const summary = runSummary(environment, scenarioOutcomes(files), runErrors);
  if (values.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (summary.verdict !== "passed") process.stderr.write(`chaos-control run: ${summary.verdict} (exit ${summary.exitCode}): ${summary.meaning}\n`);
  // Vitest sets process.exitCode on failures; the verdict's code is the one that counts.
  process.exitCode = undefined;
  return summary.exitCode;
}
