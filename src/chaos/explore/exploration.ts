/**
 * An exploration: one fault-free run that is both the recording (which
 * fault points the pipeline reaches, how often) and the golden output; the
 * plan from it; then one judged run per selected cell, all on one started
 * environment, each on a fresh database.
 */
import type { PipelineLaunchRequest, SeedObject } from "../core/index.ts";
import type { StartedEmbeddedEnvironment } from "../embedded/index.ts";
import { snapshotTables } from "../integrity/index.ts";
import type { PipelineDeadlines } from "./cell-fault.ts";
import { runCell, type CellResult } from "./cell-run.ts";
import { planExploration, selectCells, type ExplorationRecording, type Selection } from "./exploration-plan.ts";
import type { FaultPoint } from "./fault-point.ts";
import { recordingDelta } from "./recording-delta.ts";

/** Run options of every pipeline run of an exploration: short deadlines and few, quick retries, so a hang or an outage costs seconds. */
export const EXPLORATION_LAUNCH: Omit<PipelineLaunchRequest, "database" | "prefix"> & PipelineDeadlines = {
  writeBatchFiles: 2,
  pairBatchSize: 2,
  concurrency: 2,
  requestTimeoutMs: 2_000,
  queryTimeoutMs: 2_000,
  retryAttempts: 4,
};

/** A run still going after this long has hung: far past any deadline and retry budget above. */
export const RUN_DEADLINE_MS = 45_000;

export interface ExplorationOptions {
  readonly corpus: readonly SeedObject[];
  readonly selection: Selection;
  /** Only cells whose name contains one of these. */
  readonly filters?: readonly string[];
  /** Called after each cell, e.g. for progress. */
  readonly onCell?: (result: CellResult, index: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** The matrix and what it was built from. */
export interface ExplorationResult {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly selection: Selection;
  readonly filters: readonly string[];
  readonly corpusObjects: number;
  readonly golden: { readonly durationMs: number; readonly instruments: number; readonly pairs: number };
  readonly recording: ExplorationRecording;
  readonly points: readonly FaultPoint[];
  /** Cells of the full plan. */
  readonly plannedCells: number;
  readonly cells: readonly CellResult[];
  /** Cells not run because the exploration was stopped. */
  readonly skipped: number;
}

const PREFIX = "explore/";

/**
 * Runs the exploration on `environments`: the recording run on the first,
 * then the cells in plan order, one at a time per environment (the fault
 * proxies' rules count every call they see, so two cells never share one).
 */
export async function runExploration(
  environments: StartedEmbeddedEnvironment | readonly StartedEmbeddedEnvironment[],
  options: ExplorationOptions,
): Promise<ExplorationResult> {
  const startedAt = new Date();
  const started = performance.now();
  const envs = Array.isArray(environments) ? (environments as readonly StartedEmbeddedEnvironment[]) : [environments as StartedEmbeddedEnvironment];
  const env = envs[0];
  if (!env) throw new TypeError("runExploration: needs at least one environment");
  const seed = options.corpus.map((object) => ({ key: `${PREFIX}${object.key}`, body: object.body }));
  await Promise.all(envs.map((each) => each.seed(seed)));

  const database = await env.createDatabase("explore-golden");
  const before = recordings(env);
  const goldenStarted = performance.now();
  const pipeline = await env.launchPipeline({ ...EXPLORATION_LAUNCH, prefix: PREFIX, database: database.name });
  const exit = await pipeline.exited;
  if (exit.code !== 0) throw new Error(`exploration: the fault-free golden run failed (exit ${exit.code ?? exit.signal}):\n${exit.outputTail}`);
  const goldenMs = performance.now() - goldenStarted;
  const recording = recordingDelta(before, recordings(env));
  const golden = await snapshotTables(database.url);

  const plan = planExploration(recording);
  const filters = options.filters ?? [];
  const selected = selectCells(plan, options.selection, filters);
  const results: (CellResult | undefined)[] = new Array(selected.length);
  let next = 0;
  let finished = 0;
  const settings = { prefix: PREFIX, launch: EXPLORATION_LAUNCH, runDeadlineMs: RUN_DEADLINE_MS, golden };
  await Promise.all(
    envs.map(async (worker) => {
      for (let index = next++; index < selected.length && !options.signal?.aborted; index = next++) {
        const result = await runCell(worker, selected[index]!, settings);
        results[index] = result;
        options.onCell?.(result, ++finished, selected.length);
      }
    }),
  );
  const cells = results.filter((result): result is CellResult => result !== undefined);
  return {
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - started,
    selection: options.selection,
    filters,
    corpusObjects: options.corpus.length,
    golden: { durationMs: goldenMs, instruments: golden.instruments.length, pairs: golden.pairs.length },
    recording,
    points: [...new Map(plan.map((cell) => [cell.point.name, cell.point])).values()],
    plannedCells: plan.length,
    cells,
    skipped: selected.length - cells.length,
  };
}

function recordings(env: StartedEmbeddedEnvironment): ExplorationRecording {
  return { postgres: env.postgresFaults.recording(), s3: env.s3Faults.recording() };
}
