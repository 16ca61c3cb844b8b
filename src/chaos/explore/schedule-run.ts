/**
 * One fault schedule, end to end, with an explore cell's machinery: a fresh
 * database, the point faults in place on the fault proxies, the pipeline run
 * with its progress faults injected by progress (and killed at a SIGKILL
 * point), every fault removed, a plain rerun when the first run did not
 * complete, the tables compared with the golden output; the schedule oracle
 * then judges it.
 */
import type { StartedEmbeddedEnvironment } from "../embedded/index.ts";
import { snapshotTables } from "../integrity/index.ts";
import { installCellFault, type InstalledCellFault } from "./cell-fault.ts";
import type { CellRunExit, CellVerdict, TablesComparison } from "./cell-oracle.ts";
import { exitWithin, killWhenFired, type CellRunSettings } from "./cell-run.ts";
import { describeFault, isPointFault, type FaultSchedule, type PointFault, type ProgressFault } from "./fault-schedule.ts";
import type { ExplorationCell, FaultPoint } from "./fault-point.ts";
import { ProgressFaults } from "./progress-faults.ts";
import { judgeSchedule, type ScheduledFaultOutcome } from "./schedule-oracle.ts";
import { compareTables } from "./tables-comparison.ts";

/** How every schedule of a search is run: the cells' settings, the recording's points, the corpus size (100 % progress). */
export interface ScheduleRunSettings extends CellRunSettings {
  readonly points: readonly FaultPoint[];
  readonly objects: number;
}

/** A judged schedule. */
export interface ScheduleResult {
  readonly schedule: FaultSchedule;
  readonly verdict: CellVerdict;
  /** Per fault: whether it fired, and what it hit. */
  readonly faults: readonly (ScheduledFaultOutcome & { readonly observed: string })[];
  readonly first: CellRunExit;
  readonly rerun?: CellRunExit;
  readonly durationMs: number;
}

export async function runSchedule(env: StartedEmbeddedEnvironment, schedule: FaultSchedule, settings: ScheduleRunSettings): Promise<ScheduleResult> {
  const started = performance.now();
  const database = await env.createDatabase("schedule");
  const request = { ...settings.launch, prefix: settings.prefix, database: database.name };
  const pointFaults = schedule.filter(isPointFault);
  const installed = new Map<PointFault, InstalledCellFault>();
  const library = env.createFaults();
  const progress = new ProgressFaults(
    library,
    schedule.filter((fault): fault is ProgressFault => !isPointFault(fault)),
    settings.objects,
  );
  let first: CellRunExit;
  let killedByCell: boolean;
  try {
    for (const fault of pointFaults)
      installed.set(fault, installCellFault(asCell(fault, settings.points), { postgres: env.postgresFaults, s3: env.s3Faults }, settings.launch));
    const pipeline = await env.launchPipeline(request);
    progress.watch(pipeline);
    const killing = pointFaults.filter((fault) => fault.kind === "sigkill").map((fault) => killWhenFired(installed.get(fault)!, pipeline));
    first = await exitWithin(pipeline, settings.runDeadlineMs);
    killedByCell = (await Promise.all(killing)).some(Boolean);
  } finally {
    await Promise.all([...installed.values()].map((fault) => fault.remove()));
    await progress.stop();
    await library.removeAll();
  }
  const faults = schedule.map((fault) => {
    const description = describeFault(fault, settings.points);
    if (isPointFault(fault)) {
      const rule = installed.get(fault)!;
      return { fault, description, fired: rule.fired(), observed: rule.observed() };
    }
    const state = progress.states.find((each) => each.fault === fault)!;
    return { fault, description, fired: state.handle !== undefined, observed: progress.observed(state) };
  });
  let firstTables: TablesComparison | undefined;
  let rerun: CellRunExit | undefined;
  let rerunTables: TablesComparison | undefined;
  if (faults.some((each) => each.fired) && !first.timedOut) {
    if (first.code === 0) firstTables = compareTables(settings.golden, await snapshotTables(database.url));
    if (first.code !== 0 || firstTables?.quarantinedInstead) {
      rerun = await exitWithin(await env.launchPipeline(request), settings.runDeadlineMs);
      if (rerun.code === 0) rerunTables = compareTables(settings.golden, await snapshotTables(database.url));
    }
  }
  const verdict = judgeSchedule({
    faults,
    killedByCell,
    first,
    ...(firstTables ? { firstTables } : {}),
    ...(rerun ? { rerun } : {}),
    ...(rerunTables ? { rerunTables } : {}),
  });
  return { schedule, verdict, faults, first, ...(rerun ? { rerun } : {}), durationMs: performance.now() - started };
}

/** The explore cell a point fault is: its rule is installed exactly as that cell's. */
function asCell(fault: PointFault, points: readonly FaultPoint[]): ExplorationCell {
  const point = points.find((each) => each.name === fault.point);
  if (!point) throw new Error(`schedule: ${fault.point} is not a fault point of the recording run`);
  const occurrence = fault.nth === 1 ? "first" : fault.nth === point.count ? "last" : "middle";
  return { name: `${point.name} × ${fault.kind} × ${fault.nth}`, point, kind: fault.kind, occurrence, nth: fault.nth };
}
