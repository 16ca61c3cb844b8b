/**
 * One cell of the matrix, end to end: a fresh database, the cell's fault in
 * place, the pipeline run (killed at the point for SIGKILL cells), the fault
 * removed, a plain rerun when the first run did not complete, and the tables
 * compared with the golden output; the oracle then judges it.
 */
import type { IntegrityVerdict, PipelineLaunchRequest, PipelineProcess } from "../core/index.ts";
import type { StartedEmbeddedEnvironment } from "../embedded/index.ts";
import { snapshotTables, type TableSnapshot } from "../integrity/index.ts";
import { installCellFault, type InstalledCellFault, type PipelineDeadlines } from "./cell-fault.ts";
import { judgeCell, type CellOutcome, type CellRunExit, type CellVerdict, type TablesComparison } from "./cell-oracle.ts";
import type { ExplorationCell } from "./fault-point.ts";
import { compareTables } from "./tables-comparison.ts";

/** How every run of an exploration is launched, and how long it may take. */
export interface CellRunSettings {
  /** The corpus' bucket prefix. */
  readonly prefix: string;
  /** Run options of every pipeline run (deadlines, retries, batch sizes). */
  readonly launch: Omit<PipelineLaunchRequest, "database" | "prefix"> & PipelineDeadlines;
  /** A run still going after this long has hung (ms). */
  readonly runDeadlineMs: number;
  readonly golden: TableSnapshot;
}

/** A judged cell, as the matrix reports it. */
export interface CellResult {
  readonly name: string;
  readonly point: string;
  readonly kind: ExplorationCell["kind"];
  readonly occurrence: ExplorationCell["occurrence"];
  readonly nth: number;
  readonly verdict: CellVerdict;
  /** What the fault hit, e.g. the statement and connection. */
  readonly observed: string;
  readonly first: CellRunExit;
  readonly rerun?: CellRunExit;
  /** The tables after the first run (when it exited 0) and after the rerun, against the golden run's. */
  readonly firstTables?: IntegrityVerdict;
  readonly rerunTables?: IntegrityVerdict;
  readonly durationMs: number;
}

/** How often a SIGKILL cell looks whether its fault has fired. */
const KILL_POLL_MS = 5;

export async function runCell(env: StartedEmbeddedEnvironment, cell: ExplorationCell, settings: CellRunSettings): Promise<CellResult> {
  const started = performance.now();
  const database = await env.createDatabase("explore");
  const request: PipelineLaunchRequest = { ...settings.launch, prefix: settings.prefix, database: database.name };
  const fault = installCellFault(cell, { postgres: env.postgresFaults, s3: env.s3Faults }, settings.launch);
  let first: CellRunExit;
  let killedByCell: boolean;
  try {
    const pipeline = await env.launchPipeline(request);
    const killing = cell.kind === "sigkill" ? killWhenFired(fault, pipeline) : Promise.resolve(false);
    first = await exitWithin(pipeline, settings.runDeadlineMs);
    killedByCell = await killing;
  } finally {
    await fault.remove();
  }
  const fired = fault.fired();
  const observed = fault.observed();
  const outcome: { -readonly [K in keyof CellOutcome]: CellOutcome[K] } = { kind: cell.kind, fired, killedByCell, first };
  if (fired && !first.timedOut) {
    if (first.code === 0) outcome.firstTables = await tablesAgainst(settings.golden, database.url);
    if (first.code !== 0 || outcome.firstTables?.quarantinedInstead) {
      outcome.rerun = await exitWithin(await env.launchPipeline(request), settings.runDeadlineMs);
      if (outcome.rerun.code === 0) outcome.rerunTables = await tablesAgainst(settings.golden, database.url);
    }
  }
  return {
    name: cell.name,
    point: cell.point.name,
    kind: cell.kind,
    occurrence: cell.occurrence,
    nth: cell.nth,
    verdict: judgeCell(outcome),
    observed,
    first,
    ...(outcome.rerun ? { rerun: outcome.rerun } : {}),
    ...(outcome.firstTables ? { firstTables: outcome.firstTables.integrity } : {}),
    ...(outcome.rerunTables ? { rerunTables: outcome.rerunTables.integrity } : {}),
    durationMs: performance.now() - started,
  };
}

/**
 * The run's tables against the golden output. A run that exited 0 without creating them (seen: a failed schema
 * migration reported as success) differs from the golden output: a red cell, not a crash of the whole exploration.
 */
async function tablesAgainst(golden: TableSnapshot, databaseUrl: string): Promise<TablesComparison> {
  try {
    return compareTables(golden, await snapshotTables(databaseUrl));
  } catch (error) {
    return { equal: false, summary: `its tables could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Kills the pipeline (SIGKILL) as soon as the fault has fired, while the call is held; resolves whether it did. */
export async function killWhenFired(fault: InstalledCellFault, pipeline: PipelineProcess): Promise<boolean> {
  let exited = false;
  void pipeline.exited.then(() => (exited = true));
  while (!exited && !fault.fired()) await new Promise((resolve) => setTimeout(resolve, KILL_POLL_MS));
  if (exited) return false;
  await pipeline.kill();
  return true;
}

/** The run's exit, or, once `deadlineMs` has passed, its kill and `timedOut`. */
export async function exitWithin(pipeline: PipelineProcess, deadlineMs: number): Promise<CellRunExit> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"deadline">((resolve) => (timer = setTimeout(() => resolve("deadline"), deadlineMs)));
  try {
    const ended = await Promise.race([pipeline.exited, deadline]);
    if (ended === "deadline") await pipeline.kill();
    const exit = await pipeline.exited;
    return { code: exit.code, signal: exit.signal, timedOut: ended === "deadline", outputTail: exit.outputTail, durationMs: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
