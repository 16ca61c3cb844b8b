/**
 * Puts a cell's fault in place on the environment's fault proxies before
 * the pipeline starts, so the rule counts the point's reaches from the
 * run's first call: `{ nth }` is then the run's nth reach.
 */
import type { S3FaultHandle, S3FaultProxy } from "../faults/index.ts";
import type { PostgresProxy, PostgresRuleSpec, StatementMatch } from "../postgres-proxy/index.ts";
import type { ExplorationCell, FaultTarget } from "./fault-point.ts";

/** The fault proxies of a started environment. */
export interface FaultProxies {
  readonly postgres: PostgresProxy;
  readonly s3: S3FaultProxy;
}

/** The pipeline's deadlines, which a hang must outlast. */
export interface PipelineDeadlines {
  /** Per Postgres statement, ms. */
  readonly queryTimeoutMs: number;
  /** Per S3 request, ms. */
  readonly requestTimeoutMs: number;
}

/** A cell's fault in place. */
export interface InstalledCellFault {
  /** Whether the fault has taken effect: the error answered, the hold or hang begun, the connection cut, the body planned. */
  fired(): boolean;
  /** What was faulted, for the verdict: the statement or request, and how often. */
  observed(): string;
  /** Removes the rule (idempotent); held calls go on. */
  remove(): Promise<void>;
}

/**
 * SQLSTATEs the pipeline must retry (serialization failure; at connect: the
 * connection table is full, too many clients) and must not (insufficient privilege; at connect: no
 * CONNECT privilege on the database, which a server answers with the same code).
 */
export const TRANSIENT_SQLSTATE = "40001";
export const TRANSIENT_CONNECT_SQLSTATE = "53300";
export const PERMANENT_SQLSTATE = "42501";
/** unique_violation: what a write meets when a concurrent writer committed the same rows first; a retry re-reads and skips them. */
export const WRITE_CONFLICT_SQLSTATE = "23505";
/**
 * protocol_violation, class 08 (connection exception): the one SQLSTATE PgBouncer answers its own refusals with,
 * as a FATAL ErrorResponse before it closes the client's connection. A new connection may well be served.
 */
export const POOLER_SQLSTATE = "08P01";
/**
 * PgBouncer's words: at a login while its logins to the server keep failing (server_login_retry), and at a
 * transaction's first statement that waited longer than query_wait_timeout for a server connection.
 */
export const POOLER_MESSAGE = { connect: "server login has been failing, try again later (server_login_retry)", statement: "query_wait_timeout" } as const;
/** How long a SIGKILL cell holds the call: far longer than any cell, the kill ends it. */
const HELD_FOR_KILL_MS = 120_000;
/**
 * How long a hang holds a statement: past the run's deadline, so a hang never ends on its own. The pipeline must
 * abandon the call by its own deadline; one without a deadline waits until the run is stopped and judged a hang
 * (a hold of a few seconds only made such a run slower).
 */
const HANG_MS = 120_000;

export function installCellFault(cell: ExplorationCell, proxies: FaultProxies, deadlines: PipelineDeadlines): InstalledCellFault {
  const target = cell.point.target;
  return target.service === "s3" ? installS3(cell, target.operation, proxies.s3) : installPostgres(cell, target, proxies.postgres, deadlines);
}

function installS3(cell: ExplorationCell, operation: Extract<FaultTarget, { service: "s3" }>["operation"], proxy: S3FaultProxy): InstalledCellFault {
  const where = { match: { operation }, occurrence: { nth: cell.nth } };
  let handle: S3FaultHandle;
  switch (cell.kind) {
    case "transient-error":
      handle = proxy.injectErrors({ ...where, status: 500, code: "InternalError" });
      break;
    case "permanent-error":
      handle = proxy.injectErrors({ ...where, status: 403, code: "AccessDenied" });
      break;
    case "hang":
      // A download's headers may come in time and its body stall midway: only a deadline on the whole download ends that.
      handle = operation === "GetObject" ? proxy.truncateBodies({ ...where, keepFraction: 0.5, framing: "stall" }) : proxy.hangRequests(where);
      break;
    case "sigkill":
      handle = proxy.hangRequests(where);
      break;
    case "reset":
      handle = proxy.resetRequests(where);
      break;
    case "truncated-body":
      handle = proxy.truncateBodies({ ...where, keepFraction: 0.5 });
      break;
    case "corrupted-body":
      handle = proxy.corruptObject(where);
      break;
    default:
      throw new Error(`exploration: fault kind ${cell.kind} does not apply to S3 (${cell.name})`);
  }
  return {
    fired: () => handle.observations.requestsFaulted > 0,
    observed: () => {
      const [first] = handle.observations.faulted;
      return first ? `${first.operation} ${first.key ?? first.bucket ?? ""} (request ${first.occurrence} of the rule)`.replace(/ +/g, " ") : "nothing faulted";
    },
    remove: () => handle.remove(),
  };
}

function installPostgres(
  cell: ExplorationCell,
  target: Exclude<FaultTarget, { service: "s3" }>,
  proxy: PostgresProxy,
  deadlines: PipelineDeadlines,
): InstalledCellFault {
  const match = statementMatch(target);
  const handle = proxy.addRule(postgresRule(cell, match, deadlines));
  // A hold's fault is recorded when it ends; it has taken effect once the rule fired on the statement.
  const holds = handle.rule.type === "hold";
  return {
    fired: () => (holds ? handle.observations.matched.some((each) => each.fired) : handle.observations.faulted.length > 0),
    observed: () => {
      const fired = handle.observations.matched.find((each) => each.fired);
      return fired ? `${fired.statement} (match ${fired.occurrence}, connection ${fired.connection})` : "nothing faulted";
    },
    remove: () => handle.remove(),
  };
}

function postgresRule(cell: ExplorationCell, match: StatementMatch, deadlines: PipelineDeadlines): PostgresRuleSpec {
  const occurrence = { nth: cell.nth };
  switch (cell.kind) {
    case "transient-error":
      return { type: "error", match, occurrence, sqlstate: match.kind === "connect" ? TRANSIENT_CONNECT_SQLSTATE : TRANSIENT_SQLSTATE };
    case "permanent-error":
      return { type: "error", match, occurrence, sqlstate: PERMANENT_SQLSTATE };
    case "hang":
      return { type: "hold", match, occurrence, delayMs: Math.max(HANG_MS, 2 * deadlines.queryTimeoutMs + 1_000) };
    case "sigkill":
      return { type: "hold", match, occurrence, delayMs: HELD_FOR_KILL_MS };
    case "reset":
      return { type: "reset", match, occurrence };
    case "commit-ack-lost":
      return { type: "commitAckLost", match, occurrence };
    case "write-conflict":
      return { type: "error", match, occurrence, sqlstate: WRITE_CONFLICT_SQLSTATE };
    case "pooler-error": {
      const message = match.kind === "connect" ? POOLER_MESSAGE.connect : POOLER_MESSAGE.statement;
      return { type: "error", match, occurrence, sqlstate: POOLER_SQLSTATE, severity: "FATAL", message };
    }
    default:
      throw new Error(`exploration: fault kind ${cell.kind} does not apply to Postgres (${cell.name})`);
  }
}

function statementMatch(target: Exclude<FaultTarget, { service: "s3" }>): StatementMatch {
  switch (target.call) {
    case "connect":
      return { kind: "connect" };
    case "begin":
      return { kind: "begin" };
    case "commit":
      return { kind: "commit" };
    case "copy":
      return { kind: "copy", normalized: target.normalized };
    case "statement":
      return { kind: target.kind, normalized: target.normalized };
  }
}
