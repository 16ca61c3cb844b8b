/**
 * The journal of a fault-space exploration (`explore.json`), as the
 * resilience report reads it: every judged cell of the matrix of fault point
 * × fault kind × occurrence, with what it takes to act on a red one.
 */
import type { IntegrityVerdict } from "./journal.ts";

/** How one pipeline run of a cell ended. */
export interface ExploredRunExit {
  /** Exit code, or null when ended by a signal. */
  readonly code: number | null;
  readonly signal: string | null;
  /** Still running at its deadline (then killed). */
  readonly timedOut: boolean;
  /** The end of its output: the error it failed with. */
  readonly outputTail: string;
  readonly durationMs: number;
}

/** One cell: a fault kind at one occurrence of one fault point, and the oracle's verdict. */
export interface ExploredCell {
  /** `<point> × <kind> × <occurrence>`. */
  readonly name: string;
  /** The fault point, e.g. `pg COMMIT`, `s3 GetObject`. */
  readonly point: string;
  /** The fault kind, e.g. `reset`, `sigkill`. */
  readonly kind: string;
  /** `first`, `middle` or `last`. */
  readonly occurrence: string;
  /** Which reach of the point was faulted, from 1. */
  readonly nth: number;
  readonly verdict: { readonly green: boolean; readonly kind: string; readonly reason: string };
  /** What the fault hit, e.g. the statement and connection. */
  readonly observed: string;
  readonly first: ExploredRunExit;
  /** The plain rerun, when the first run did not complete with the golden tables. */
  readonly rerun?: ExploredRunExit;
  /** The tables after the first run (when it exited 0), against the golden run's. */
  readonly firstTables?: IntegrityVerdict;
  /** The tables after the rerun (when it exited 0). */
  readonly rerunTables?: IntegrityVerdict;
  readonly durationMs: number;
  /** A shell command that runs this cell alone. */
  readonly replay: string;
}

/** An exploration: which cells of the plan ran, and each verdict. */
export interface ExplorationJournal {
  /** ISO time the exploration started. */
  readonly startedAt: string;
  readonly durationMs: number;
  /** The selection of the plan (`smoke`, `full`). */
  readonly selection: string;
  /** Only cells whose name contains one of these ran. */
  readonly filters: readonly string[];
  /** Songs in the corpus. */
  readonly corpusObjects: number;
  /** Every fault point the recording run reached, and how often. */
  readonly points: readonly { readonly name: string; readonly count: number }[];
  /** Every fault kind, in the matrix's column order. */
  readonly kinds: readonly string[];
  /** Cells of the full plan. */
  readonly plannedCells: number;
  readonly cells: readonly ExploredCell[];
  /** Selected cells not run because the exploration was stopped. */
  readonly skipped: number;
}
