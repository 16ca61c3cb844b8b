/**
 * The oracle that judges one cell. Acceptable: the run exits 0 with tables
 * equal to the golden output; or it fails (non-zero exit, or killed by the
 * cell itself) with an error that names the failure, and a plain rerun
 * completes with tables equal to the golden output. Forbidden: exit 0 with
 * other tables, a run that outlives its deadline, a state the rerun cannot
 * repair. And the cell's fault must have fired: a planned point the run
 * never reached is a red verdict, not a statistic.
 */
import type { IntegrityVerdict } from "../core/index.ts";
import type { FaultKind } from "./fault-point.ts";

/** How one pipeline run of a cell ended. */
export interface CellRunExit {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly signal: string | null;
  /** Still running at its deadline (then killed). */
  readonly timedOut: boolean;
  /** The end of its output. */
  readonly outputTail: string;
  readonly durationMs: number;
}

/** Whether a run's tables equal the golden output, and if not how they differ. */
export interface TablesComparison {
  readonly equal: boolean;
  readonly summary: string;
  /** The integrity check's verdict: counts and the first differing rows; absent when the tables could not be read. */
  readonly integrity?: IntegrityVerdict;
  /**
   * Reasons of the objects quarantined at download that the golden run wrote,
   * when those are the only rows added (every other difference is rows
   * missing): the run gave up on those objects and said why.
   */
  readonly quarantinedInstead?: readonly string[];
}

/** Everything the oracle needs to know about a cell's run. */
export interface CellOutcome {
  /** The cell's fault kind; or, for a run of several faults (a fault schedule), what its failure may name instead. */
  readonly kind: FaultKind | FailureNames;
  /** Whether the fault took effect during the first run. */
  readonly fired: boolean;
  /** The cell killed the first run itself (SIGKILL cells). */
  readonly killedByCell: boolean;
  readonly first: CellRunExit;
  /** The tables after the first run, when it exited 0. */
  readonly firstTables?: TablesComparison;
  /** The plain rerun, when the first run did not exit 0 with the golden tables. */
  readonly rerun?: CellRunExit;
  readonly rerunTables?: TablesComparison;
}

export type CellVerdictKind =
  | "completed-identical"
  | "failed-then-repaired"
  | "quarantined-then-repaired"
  | "killed-then-repaired"
  | "not-reached"
  | "completed-with-different-tables"
  | "hang"
  | "unnamed-failure"
  | "rerun-failed"
  | "not-repaired";

/** What a failing run's error (or a quarantine reason) must name: the words of any of the faults that fired. */
export interface FailureNames {
  /** The faults, for the verdict: "reset or s3 partition". */
  readonly what: string;
  readonly pattern: RegExp;
}

/** The verdict on one cell. */
export interface CellVerdict {
  readonly green: boolean;
  readonly kind: CellVerdictKind;
  /** One line a reader can act on. */
  readonly reason: string;
}

/** Words by which a failing run's output names each fault kind (its error, or the cause it prints). */
export const NAMES_THE_FAILURE: Readonly<Record<FaultKind, RegExp>> = {
  "transient-error": /40001|57P03|53300|serializ|starting up|too many clients|InternalError|\b500\b/i,
  "permanent-error": /42501|AccessDenied|\b403\b|permission|privilege/i,
  hang: /timeout|timed out|TimeoutError|AbortError/i,
  reset: /ECONNRESET|reset|Connection terminated|connection (?:was )?(?:closed|ended|lost)/i,
  "commit-ack-lost": /ECONNRESET|Connection terminated|connection (?:was )?(?:closed|ended|lost)|commit/i,
  "write-conflict": /23505|duplicate key|unique|concurrent/i,
  "pooler-error": /08P01|server login has been failing|query_wait_timeout|server_login_retry/i,
  "truncated-body": /truncated|aborted|ECONNRESET|premature|Content-Length/i,
  "corrupted-body": /checksum|MD5|mismatch|corrupt/i,
  sigkill: /./,
};

export function judgeCell(outcome: CellOutcome): CellVerdict {
  const { first, rerun } = outcome;
  const names = typeof outcome.kind === "string" ? { what: outcome.kind, pattern: NAMES_THE_FAILURE[outcome.kind] } : outcome.kind;
  if (first.timedOut) return red("hang", `the run did not end within its deadline (${seconds(first.durationMs)}); killed`);
  if (!outcome.fired) {
    return red("not-reached", `the fault never fired: the run ${describeExit(first)} without reaching the planned point`);
  }
  if (first.code === 0) {
    if (outcome.firstTables?.equal) return green("completed-identical", `completed despite the fault; ${outcome.firstTables.summary}`);
    const quarantined = outcome.firstTables?.quarantinedInstead ?? [];
    if (quarantined.length === 0 || !quarantined.every((reason) => names.pattern.test(reason))) {
      return red("completed-with-different-tables", `exited 0 with tables unlike the golden run's: ${outcome.firstTables?.summary ?? "not compared"}`);
    }
  }
  const killed = outcome.killedByCell && first.signal === "SIGKILL";
  if (first.code !== 0 && !killed && !names.pattern.test(failureText(first.outputTail))) {
    return red("unnamed-failure", `${describeExit(first)} with an error that does not name the ${names.what}: ${lastLine(first.outputTail)}`);
  }
  if (!rerun) return red("not-repaired", `${describeExit(first)} and no rerun was made`);
  if (rerun.timedOut) return red("hang", `the rerun did not end within its deadline (${seconds(rerun.durationMs)}); killed`);
  if (rerun.code !== 0) return red("rerun-failed", `the plain rerun ${describeExit(rerun)}: ${lastLine(rerun.outputTail)}`);
  if (!outcome.rerunTables?.equal)
    return red("not-repaired", `the rerun completed with tables unlike the golden run's: ${outcome.rerunTables?.summary ?? "not compared"}`);
  if (first.code === 0) {
    const reasons = [...new Set(outcome.firstTables?.quarantinedInstead)].join(", ");
    return green("quarantined-then-repaired", `completed with the faulted object quarantined (${reasons}); the rerun wrote it, ${outcome.rerunTables.summary}`);
  }
  return killed
    ? green("killed-then-repaired", `killed at the point; the rerun completed in ${seconds(rerun.durationMs)}, ${outcome.rerunTables.summary}`)
    : green("failed-then-repaired", `failed naming it (${lastLine(first.outputTail)}); the rerun completed, ${outcome.rerunTables.summary}`);
}

function green(kind: CellVerdictKind, reason: string): CellVerdict {
  return { green: true, kind, reason };
}

function red(kind: CellVerdictKind, reason: string): CellVerdict {
  return { green: false, kind, reason };
}

function describeExit(exit: CellRunExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited ${exit.code}`;
}

/** The pipeline's error and its causes (`pipeline failed: …`, `caused by: …`); progress lines never count as naming a failure. */
function failureText(output: string): string {
  return output
    .split("\n")
    .filter((line) => /pipeline failed:|caused by:/.test(line))
    .join("\n");
}

function lastLine(output: string): string {
  const lines = output.trim().split("\n");
  const error = lines.find((line) => /pipeline failed:/.test(line)) ?? lines.at(-1) ?? "";
  return error.length > 200 ? `${error.slice(0, 199)}…` : error;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
