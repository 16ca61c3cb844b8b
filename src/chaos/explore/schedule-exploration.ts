/**
 * Random fault schedules on one started embedded environment: the
 * fault-free recording and golden run of the exploration corpus, then
 * either a seeded search (drawn schedules, the first red one shrunk) or the
 * replay of one given schedule.
 */
import type { SeedObject } from "../core/index.ts";
import type { StartedEmbeddedEnvironment } from "../embedded/index.ts";
import { snapshotTables } from "../integrity/index.ts";
import { EXPLORATION_LAUNCH, RUN_DEADLINE_MS } from "./exploration.ts";
import { faultPoints } from "./exploration-plan.ts";
import { checkScheduleAgainst, type FaultSchedule } from "./fault-schedule.ts";
import type { FaultPoint } from "./fault-point.ts";
import { recordingDelta } from "./recording-delta.ts";
import { runSchedule, type ScheduleResult, type ScheduleRunSettings } from "./schedule-run.ts";
import { searchSchedules, type ShrunkFailure } from "./schedule-search.ts";

/** The corpus' bucket prefix, as the cells': both may share one environment. */
const PREFIX = "explore/";

/** What every schedule is run with: the recording's points and the golden output of its fault-free run. */
export interface GoldenRecording {
  readonly settings: ScheduleRunSettings;
  readonly goldenMs: number;
}

/** Seeds the corpus and makes the fault-free run: its recording lists the fault points, its tables are the golden output. */
export async function recordGolden(env: StartedEmbeddedEnvironment, corpus: readonly SeedObject[]): Promise<GoldenRecording> {
  await env.seed(corpus.map((object) => ({ key: `${PREFIX}${object.key}`, body: object.body })));
  const database = await env.createDatabase("schedule-golden");
  const recordings = () => ({ postgres: env.postgresFaults.recording(), s3: env.s3Faults.recording() });
  const before = recordings();
  const started = performance.now();
  const exit = await (await env.launchPipeline({ ...EXPLORATION_LAUNCH, prefix: PREFIX, database: database.name })).exited;
  if (exit.code !== 0) throw new Error(`schedules: the fault-free golden run failed (exit ${exit.code ?? exit.signal}):\n${exit.outputTail}`);
  const goldenMs = performance.now() - started;
  const points = faultPoints(recordingDelta(before, recordings()));
  const golden = await snapshotTables(database.url);
  return { settings: { prefix: PREFIX, launch: EXPLORATION_LAUNCH, runDeadlineMs: RUN_DEADLINE_MS, golden, points, objects: corpus.length }, goldenMs };
}

export interface ScheduleExplorationOptions {
  readonly corpus: readonly SeedObject[];
  /** Draw and run this many schedules from `seed`... */
  readonly search?: { readonly seed: number; readonly runs: number; readonly shrinkRuns?: number };
  /** ...or replay exactly this one. */
  readonly replay?: FaultSchedule;
  readonly onRun?: (result: ScheduleResult, phase: "drawn" | "shrinking" | "replay") => void;
  readonly signal?: AbortSignal;
}

export interface ScheduleExplorationResult {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly corpusObjects: number;
  readonly golden: { readonly durationMs: number; readonly instruments: number; readonly pairs: number };
  readonly points: readonly FaultPoint[];
  /** The search's seed (absent for a replay). */
  readonly seed?: number;
  readonly runs: readonly (ScheduleResult & { readonly phase: "drawn" | "shrinking" | "replay" })[];
  readonly failure?: ShrunkFailure<ScheduleResult>;
  readonly interrupted: boolean;
}

export async function runScheduleExploration(env: StartedEmbeddedEnvironment, options: ScheduleExplorationOptions): Promise<ScheduleExplorationResult> {
  const startedAt = new Date();
  const started = performance.now();
  const { settings, goldenMs } = await recordGolden(env, options.corpus);
  const common = {
    startedAt: startedAt.toISOString(),
    corpusObjects: options.corpus.length,
    golden: { durationMs: goldenMs, instruments: settings.golden.instruments.length, pairs: settings.golden.pairs.length },
    points: settings.points,
  };
  if (options.replay) {
    checkScheduleAgainst(options.replay, settings.points);
    const result = await runSchedule(env, options.replay, settings);
    options.onRun?.(result, "replay");
    const failure = result.verdict.green ? undefined : { original: result, shrunk: result, steps: 0, path: "" };
    return { ...common, durationMs: performance.now() - started, runs: [{ ...result, phase: "replay" }], ...(failure ? { failure } : {}), interrupted: false };
  }
  if (!options.search) throw new TypeError("runScheduleExploration: needs search or replay");
  const search = await searchSchedules(settings.points, (schedule) => runSchedule(env, schedule, settings), {
    ...options.search,
    ...(options.onRun ? { onRun: options.onRun } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return {
    ...common,
    durationMs: performance.now() - started,
    seed: search.seed,
    runs: search.runs,
    ...(search.failure ? { failure: search.failure } : {}),
    interrupted: search.interrupted,
  };
}
