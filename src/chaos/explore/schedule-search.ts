/**
 * A seeded search of fault schedules with fast-check: `runs` schedules drawn
 * from the recording's points, each run and judged; on the first red one,
 * fast-check shrinks it (fewer faults, earlier reaches, shorter faults),
 * each candidate a run of its own, to the smallest schedule that still
 * fails, within a budget of runs.
 */
import fc from "fast-check";
import type { CellVerdict } from "./cell-oracle.ts";
import { describeSchedule, type FaultSchedule } from "./fault-schedule.ts";
import { scheduleReplayCommand } from "./replay-command.ts";
import type { FaultPoint } from "./fault-point.ts";
import { faultScheduleArbitrary } from "./schedule-arbitrary.ts";

/** What the search needs of a judged schedule. */
export interface JudgedSchedule {
  readonly schedule: FaultSchedule;
  readonly verdict: CellVerdict;
}

export interface ScheduleSearchOptions<R extends JudgedSchedule> {
  /** fast-check's seed: the same seed over the same points draws the same schedules. */
  readonly seed: number;
  /** Schedules to draw. */
  readonly runs: number;
  /** Most candidate runs while shrinking (default {@link DEFAULT_SHRINK_RUNS}); then the smallest failing one so far is reported. */
  readonly shrinkRuns?: number;
  /** Called after each run, drawn or a shrinking candidate. */
  readonly onRun?: (result: R, phase: "drawn" | "shrinking") => void;
  /** Stops after the run at hand. */
  readonly signal?: AbortSignal;
}

/** The smallest failing schedule found, and how to replay it. */
export interface ShrunkFailure<R extends JudgedSchedule> {
  /** The first failing schedule drawn. */
  readonly original: R;
  /** The smallest one that still failed (the original when nothing smaller did). */
  readonly shrunk: R;
  /** Shrinking steps that each found a smaller failing schedule. */
  readonly steps: number;
  /** fast-check's path to the shrunk schedule (with the seed: `fc.check(..., { seed, path })` draws it again from the same points). */
  readonly path: string;
}

export interface ScheduleSearchResult<R extends JudgedSchedule> {
  readonly seed: number;
  /** Every run, in order: the drawn schedules, then the shrinking candidates. */
  readonly runs: readonly (R & { readonly phase: "drawn" | "shrinking" })[];
  readonly failure?: ShrunkFailure<R>;
  /** Stopped by the signal before the search ended. */
  readonly interrupted: boolean;
}

export const DEFAULT_SHRINK_RUNS = 30;

/** Runs the search; `run` runs and judges one schedule (in production `runSchedule`, in tests a fake). An error of `run` ends the search and is thrown. */
export async function searchSchedules<R extends JudgedSchedule>(
  points: readonly FaultPoint[],
  run: (schedule: FaultSchedule) => Promise<R>,
  options: ScheduleSearchOptions<R>,
): Promise<ScheduleSearchResult<R>> {
  const runs: (R & { phase: "drawn" | "shrinking" })[] = [];
  const shrinkRuns = options.shrinkRuns ?? DEFAULT_SHRINK_RUNS;
  let original: R | undefined;
  let lastRed: R | undefined;
  let broken: unknown;
  let interrupted = false;
  const property = fc.asyncProperty(faultScheduleArbitrary(points), async (schedule) => {
    if (broken !== undefined || options.signal?.aborted) {
      interrupted ||= options.signal?.aborted === true;
      return true;
    }
    const phase = original === undefined ? "drawn" : "shrinking";
    // Past the budget a candidate is skipped, not passed: the smallest red schedule so far stands.
    fc.pre(phase === "drawn" || runs.filter((each) => each.phase === "shrinking").length < shrinkRuns);
    let result: R;
    try {
      result = await run(schedule);
    } catch (error) {
      broken = error;
      return true;
    }
    runs.push({ ...result, phase });
    options.onRun?.(result, phase);
    if (result.verdict.green) return true;
    original ??= result;
    lastRed = result;
    return false;
  });
  const details = await fc.check(property, { seed: options.seed, numRuns: options.runs });
  if (broken !== undefined) throw broken;
  const failure =
    details.failed && original && lastRed && details.counterexamplePath !== null
      ? { original, shrunk: lastRed, steps: details.numShrinks, path: details.counterexamplePath }
      : undefined;
  return { seed: options.seed, runs, ...(failure ? { failure } : {}), interrupted };
}

/** A failure in plain words: the shrunk schedule, its verdict, and the line that replays it. */
export function describeFailure<R extends JudgedSchedule>(failure: ShrunkFailure<R>, points: readonly FaultPoint[] = []): string {
  const { shrunk, original } = failure;
  const from =
    original === shrunk
      ? ""
      : ` (shrunk in ${failure.steps} step${failure.steps === 1 ? "" : "s"} from ${original.schedule.length} fault${original.schedule.length === 1 ? "" : "s"})`;
  return [
    `failing schedule${from}:`,
    describeSchedule(shrunk.schedule, points).replace(/^/gm, "  "),
    `verdict: ${shrunk.verdict.kind}: ${shrunk.verdict.reason}`,
    `replay: ${scheduleReplayCommand(shrunk.schedule)}`,
  ].join("\n");
}
