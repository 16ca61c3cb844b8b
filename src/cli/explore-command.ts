import { parseArgs } from "node:util";
import { deferInterruptsToApp } from "../chaos/core/index.ts";
import { EmbeddedEnvironment, type StartedEmbeddedEnvironment } from "../chaos/embedded/index.ts";
import { useCompiledPipelineCli } from "../chaos/env-kit/index.ts";
import {
  DEFAULT_SHRINK_RUNS,
  EXPLORATION_SONGS,
  explorationCorpus,
  explorationJournal,
  explorationTotals,
  formatMatrix,
  runExploration,
  SELECTIONS,
  writeExplorationReports,
  type ExplorationResult,
  type Selection,
} from "../chaos/explore/index.ts";
import { reportsDirectory } from "../chaos/report/index.ts";
import { DEFAULT_SEEDS, runSchedulesCommand } from "./explore-schedules-command.ts";
import { RUN_EXIT_CODES } from "./run-verdict.ts";

const DEFAULT_WORKERS = 2;

export const EXPLORE_USAGE = `Usage: chaos-control explore [options]

Explores the fault space on the embedded environment: one fault-free run of a
small fixed corpus (${EXPLORATION_SONGS} songs) records every dependency call the pipeline
reaches (S3 by operation; Postgres BEGIN, each statement by its normalised text,
COPY per table, COMMIT) and is the golden output; then one run per fault point x
fault kind x occurrence (first, middle, last), each on a fresh database, judged:
exit 0 with the golden tables, or an error naming the failure and a plain rerun
that restores them. A cell whose fault never fired is red.
Writes explore-junit.xml, explore.json and explore.html to $CHAOS_REPORTS_DIR
(default reports/) and prints the matrix; \`chaos-control report\` then shows the
matrix as a section of resilience.html.

  --select SET         smoke (one cell per service and fault kind) | full (default)
  --filter TEXT        only cells whose name contains TEXT, e.g. "pg COMMIT" or
                       "× sigkill" (repeatable: any of them)
  --workers N          run N cells at a time, each on its own embedded environment
                       (default 2: one per core of a small machine)
  --json               print the JSON result on stdout (progress goes to stderr)
  -h, --help           this text

Random fault schedules (one embedded environment; same corpus, golden run and
oracle): each schedule holds 1 to 3 faults, each a fault kind at one reach of a
recorded fault point, or a network/process fault (partition, latency, kill of
postgres or s3) from a share of the objects committed, for a while. A run whose
fault never fired is red, unless an earlier fault ended the run first. The
first red schedule is shrunk (fast-check) to the smallest that still fails and
printed with the one line that replays it. Writes explore-schedules-junit.xml
and explore-schedules.json instead of the matrix files.

  --schedules          draw and run random fault schedules instead of the matrix
  --seeds N            how many schedules to draw (default ${DEFAULT_SEEDS})
  --seed S             fast-check's seed (default: random, printed)
  --shrink-runs N      most runs spent shrinking a red schedule (default ${DEFAULT_SHRINK_RUNS})
  --schedule JSON      replay exactly this schedule (as a failure prints it), e.g.
                       '[{"point":"pg COMMIT","kind":"commit-ack-lost","nth":2}]'

Exit codes:
  ${RUN_EXIT_CODES.passed}    every cell (schedule) was green
  ${RUN_EXIT_CODES["scenario-failed"]}    a cell (schedule) was red (a forbidden outcome, or its fault point never reached)
  ${RUN_EXIT_CODES["failed-to-start"]}    the environment or the fault-free golden run failed
  ${RUN_EXIT_CODES["nothing-ran"]}    no cell matched the filters
  ${RUN_EXIT_CODES.interrupted}  Ctrl-C / SIGTERM: stopped after the cell at hand
  2    bad usage
`;

/** `chaos-control explore`: exit codes as `run` (see {@link EXPLORE_USAGE}). */
export async function runExploreCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        select: { type: "string" },
        filter: { type: "string", multiple: true },
        workers: { type: "string" },
        json: { type: "boolean" },
        schedules: { type: "boolean" },
        seeds: { type: "string" },
        seed: { type: "string" },
        "shrink-runs": { type: "string" },
        schedule: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    process.stderr.write(`chaos-control explore: ${(error as Error).message}\n\n${EXPLORE_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(EXPLORE_USAGE);
    return 0;
  }
  if (values.schedules || values.schedule !== undefined || values.seeds !== undefined || values.seed !== undefined || values["shrink-runs"] !== undefined)
    return runSchedulesCommand(values);
  const selection = (values.select ?? "full") as Selection;
  if (!SELECTIONS.includes(selection)) {
    process.stderr.write(`chaos-control explore: --select must be one of ${SELECTIONS.join(", ")}, got ${JSON.stringify(values.select)}\n`);
    return 2;
  }

  const workers = Number(values.workers ?? DEFAULT_WORKERS);
  if (!Number.isInteger(workers) || workers < 1 || workers > 8) {
    process.stderr.write(`chaos-control explore: --workers must be an integer 1..8, got ${JSON.stringify(values.workers)}\n`);
    return 2;
  }

  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const undoDefer = deferInterruptsToApp();
  // Every cell starts the pipeline one to three times: compiled JavaScript starts it at half the CPU of tsx.
  const compiled = await useCompiledPipelineCli();
  const envs: StartedEmbeddedEnvironment[] = [];
  let result: ExplorationResult;
  try {
    process.stderr.write(`starting ${workers} embedded environment${workers === 1 ? "" : "s"} (PostgreSQL + S3)...\n`);
    const started = await Promise.allSettled(Array.from({ length: workers }, () => new EmbeddedEnvironment().start()));
    for (const each of started) if (each.status === "fulfilled") envs.push(each.value);
    const failed = started.find((each): each is PromiseRejectedResult => each.status === "rejected");
    if (failed) throw failed.reason;
    result = await runExploration(envs, {
      corpus: explorationCorpus(),
      selection,
      filters: values.filter ?? [],
      signal: controller.signal,
      onCell: (cell, index, total) =>
        process.stderr.write(
          `[${String(index).padStart(3)}/${total}] ${cell.verdict.green ? "green" : "RED  "} ${(cell.durationMs / 1000).toFixed(1).padStart(5)} s  ${cell.name}${cell.verdict.green ? "" : `\n          ${cell.verdict.kind}: ${cell.verdict.reason}`}\n`,
        ),
    });
  } catch (error) {
    process.stderr.write(`chaos-control explore: ${(error as Error).message}\n`);
    return controller.signal.aborted ? RUN_EXIT_CODES.interrupted : RUN_EXIT_CODES["failed-to-start"];
  } finally {
    await Promise.all(
      envs.map((env) => env.stop().catch((error: unknown) => process.stderr.write(`chaos-control explore: could not stop an environment: ${String(error)}\n`))),
    );
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    undoDefer();
    await compiled.done;
  }

  const written = await writeExplorationReports(result, reportsDirectory());
  const totals = explorationTotals(result);
  if (values.json) process.stdout.write(`${JSON.stringify(explorationJournal(result), null, 2)}\n`);
  else process.stdout.write(`${formatMatrix(result)}\n`);
  process.stderr.write(
    `${result.cells.length} of ${result.plannedCells} planned cells in ${(result.durationMs / 1000).toFixed(1)} s; wrote ${written.junit}, ${written.json}, ${written.html}\n`,
  );
  if (controller.signal.aborted) return RUN_EXIT_CODES.interrupted;
  if (result.cells.length === 0) {
    process.stderr.write("chaos-control explore: no cell matches those filters\n");
    return RUN_EXIT_CODES["nothing-ran"];
  }
  return totals.red > 0 ? RUN_EXIT_CODES["scenario-failed"] : RUN_EXIT_CODES.passed;
}
