/** `chaos-control explore --schedules` and `--schedule JSON`: random fault schedules, or the replay of one (see EXPLORE_USAGE). */
import { randomInt } from "node:crypto";
import { deferInterruptsToApp } from "../chaos/core/index.ts";
import { EmbeddedEnvironment, type StartedEmbeddedEnvironment } from "../chaos/embedded/index.ts";
import { useCompiledPipelineCli } from "../chaos/env-kit/index.ts";
import {
  DEFAULT_SHRINK_RUNS,
  describeFailure,
  describeSchedule,
  explorationCorpus,
  parseSchedule,
  runScheduleExploration,
  ScheduleError,
  writeScheduleReports,
  type FaultSchedule,
  type ScheduleExplorationResult,
} from "../chaos/explore/index.ts";
import { reportsDirectory } from "../chaos/report/index.ts";
import { RUN_EXIT_CODES } from "./run-verdict.ts";

export const DEFAULT_SEEDS = 10;

/** The explore options as parsed; the matrix's own ones are refused here. */
export interface ScheduleOptionValues {
  readonly schedules?: boolean;
  readonly seeds?: string;
  readonly seed?: string;
  readonly "shrink-runs"?: string;
  readonly schedule?: string;
  readonly select?: string;
  readonly filter?: string[];
  readonly workers?: string;
  readonly json?: boolean;
}

export async function runSchedulesCommand(values: ScheduleOptionValues): Promise<number> {
  const usage = (problem: string) => (process.stderr.write(`chaos-control explore: ${problem} (see chaos-control explore --help)\n`), 2);
  const matrixOnly = (["select", "filter", "workers"] as const).find((option) => values[option] !== undefined);
  if (matrixOnly) return usage(`--${matrixOnly} applies to the matrix, not to --schedules or --schedule`);
  let replay: FaultSchedule | undefined;
  if (values.schedule !== undefined) {
    const extra = (["schedules", "seeds", "seed", "shrink-runs"] as const).find((option) => values[option] !== undefined);
    if (extra) return usage(`--schedule replays one schedule and takes no --${extra}`);
    try {
      replay = parseSchedule(values.schedule);
    } catch (error) {
      return usage(`--schedule: ${(error as Error).message}`);
    }
  } else if (!values.schedules) {
    const option = (["seeds", "seed", "shrink-runs"] as const).find((each) => values[each] !== undefined);
    return usage(`--${option} needs --schedules`);
  }
  const runs = integer(values.seeds, DEFAULT_SEEDS, 1, 10_000);
  if (runs === undefined) return usage(`--seeds must be an integer 1..10000, got ${JSON.stringify(values.seeds)}`);
  const seed = integer(values.seed, randomInt(2 ** 31), -(2 ** 31), 2 ** 31 - 1);
  if (seed === undefined) return usage(`--seed must be a 32-bit integer, got ${JSON.stringify(values.seed)}`);
  const shrinkRuns = integer(values["shrink-runs"], DEFAULT_SHRINK_RUNS, 0, 1_000);
  if (shrinkRuns === undefined) return usage(`--shrink-runs must be an integer 0..1000, got ${JSON.stringify(values["shrink-runs"])}`);

  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const undoDefer = deferInterruptsToApp();
  // Every run starts the pipeline once or more: compiled JavaScript starts it at half the CPU of tsx.
  const compiled = await useCompiledPipelineCli();
  let env: StartedEmbeddedEnvironment | undefined;
  let result: ScheduleExplorationResult;
  try {
    process.stderr.write(replay ? "replaying one fault schedule\n" : `drawing ${runs} fault schedule${runs === 1 ? "" : "s"} from seed ${seed}\n`);
    process.stderr.write("starting an embedded environment (PostgreSQL + S3)...\n");
    env = await new EmbeddedEnvironment().start();
    let index = 0;
    result = await runScheduleExploration(env, {
      corpus: explorationCorpus(),
      ...(replay ? { replay } : { search: { seed, runs, shrinkRuns } }),
      signal: controller.signal,
      onRun: (run, phase) =>
        process.stderr.write(
          `[${String(++index).padStart(3)}] ${run.verdict.green ? "green" : "RED  "} ${(run.durationMs / 1000).toFixed(1).padStart(5)} s  ${phase.padEnd(9)} ${describeSchedule(run.schedule).replace(/\n/g, "; ")}${run.verdict.green ? "" : `\n          ${run.verdict.kind}: ${run.verdict.reason}`}\n`,
        ),
    });
  } catch (error) {
    if (error instanceof ScheduleError) return usage(`--schedule: ${error.message}`);
    process.stderr.write(`chaos-control explore: ${(error as Error).message}\n`);
    return controller.signal.aborted ? RUN_EXIT_CODES.interrupted : RUN_EXIT_CODES["failed-to-start"];
  } finally {
    await env?.stop().catch((error: unknown) => process.stderr.write(`chaos-control explore: could not stop the environment: ${String(error)}\n`));
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    undoDefer();
    await compiled.done;
  }

  const written = await writeScheduleReports(result, reportsDirectory());
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${summary(result, runs)}\n`);
  process.stderr.write(
    `${result.runs.length} schedule run${result.runs.length === 1 ? "" : "s"} in ${(result.durationMs / 1000).toFixed(1)} s; wrote ${written.junit}, ${written.json}\n`,
  );
  if (controller.signal.aborted) return RUN_EXIT_CODES.interrupted;
  return result.failure ? RUN_EXIT_CODES["scenario-failed"] : RUN_EXIT_CODES.passed;
}

function summary(result: ScheduleExplorationResult, runs: number): string {
  if (result.failure) return describeFailure(result.failure, result.points);
  if (result.seed === undefined) return `the replayed schedule was green: ${result.runs[0]?.verdict.reason ?? ""}`;
  return `${result.runs.length} schedules green (seed ${result.seed}); the same schedules again: npm run explore -- --schedules --seeds ${runs} --seed ${result.seed}`;
}

/** `text` as an integer within min..max, `fallback` when absent, undefined when not one. */
function integer(text: string | undefined, fallback: number, min: number, max: number): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  return /^-?\d+$/.test(text.trim()) && value >= min && value <= max ? value : undefined;
}
