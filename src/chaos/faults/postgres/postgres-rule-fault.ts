/**
 * Postgres protocol faults as core FaultHandles: a rule on the environment's
 * PostgresProxy (the hop between the pipeline's Toxiproxy path and Postgres),
 * armed when added, whose observations say which statements it faulted and
 * when; for a lost COMMIT acknowledgement also whether each transaction
 * committed, by pg_xact_status over a direct connection.
 */
import { createFaultHandle, type DowntimeCause, type FaultHandle, effectSeen } from "../../core/index.ts";
import {
  lostAckOutcomes,
  type FaultByRuleType,
  type LostAckOutcome,
  type PostgresRuleSpec,
  type PostgresRuleType,
  type RuleHandle,
  type StatementMatch,
} from "../../postgres-proxy/index.ts";

/** The journal kind of each rule type. */
export const POSTGRES_FAULT_KINDS = {
  error: "postgres/error",
  commitAckLost: "postgres/commit-ack-lost",
  cutMidCopy: "postgres/copy-cut",
  hold: "postgres/hold",
  reset: "postgres/reset",
} as const satisfies Record<PostgresRuleType, string>;

/** A faulted statement as the journal keeps it: the proxy's record, with its time relative to the fault's injection. */
export type PostgresFaultedStatement<T extends PostgresRuleType> = Omit<FaultByRuleType[T], "atMs"> & {
  /** Milliseconds after the rule was armed that the fault took effect (the answer sent, the connection cut, the hold begun). */
  readonly afterMs: number;
};

/** What a Postgres protocol fault observed, read live while the rule is armed. */
export interface PostgresFaultObservations<T extends PostgresRuleType = PostgresRuleType> {
  /** Statements the rule matched (counted toward its occurrence). */
  readonly statementsMatched: number;
  /** Statements the rule faulted. */
  readonly statementsFaulted: number;
  readonly faulted: readonly PostgresFaultedStatement<T>[];
}

/** A lost COMMIT acknowledgement's observations: what became of each transaction, checked when the fault is removed. */
export interface CommitAckLostObservations extends PostgresFaultObservations<"commitAckLost"> {
  /** One entry per dropped acknowledgement inside a transaction block; empty until removal. */
  readonly ackDropped: readonly LostAckOutcome[];
}

/** Where a Postgres rule goes: the proxy in the pipeline's Postgres path. */
export interface PostgresRuleTarget {
  addRule<S extends PostgresRuleSpec>(spec: S): RuleHandle<S["type"]>;
}

/**
 * Installs `spec` on `proxy` and returns its handle; `directUrl` (a
 * connection that bypasses every proxy; credentials: never logged) is where
 * the outcome of a lost acknowledgement is looked up.
 */
export function injectPostgresRule(proxy: PostgresRuleTarget, spec: PostgresRuleSpec, directUrl: () => string): FaultHandle {
  const rule: RuleHandle = proxy.addRule(spec);
  const injectedAt = performance.now();
  const observations: Record<string, unknown> = {};
  // Getters, so the handle and the journal read the rule's statements as they grow.
  Object.defineProperties(observations, {
    statementsMatched: { enumerable: true, get: () => rule.observations.matched.length },
    statementsFaulted: { enumerable: true, get: () => rule.observations.faulted.length },
    faulted: {
      enumerable: true,
      get: () => rule.observations.faulted.map(({ atMs, ...fault }) => ({ ...fault, afterMs: Math.round(atMs - injectedAt) })),
    },
  });
  if (spec.type === "commitAckLost") observations.ackDropped = [];
  const undo = async (): Promise<Record<string, unknown> | void> => {
    await rule.remove();
    if (spec.type !== "commitAckLost") return;
    const xids = (rule as RuleHandle<"commitAckLost">).observations.faulted.flatMap((fault) => (fault.xid === undefined ? [] : [fault.xid]));
    return { ackDropped: xids.length === 0 ? [] : await lostAckOutcomes(directUrl(), xids) };
  };
  const description = { kind: POSTGRES_FAULT_KINDS[spec.type], cause: causeOf(spec), target: "postgres (protocol proxy)", parameters: parametersOf(spec) };
  // The rule joined the proxy's set in addRule above, synchronously: every statement from now on is checked against it.
  return createFaultHandle(description, observations, undo, effectSeen("the rule is armed in the proxy every next statement consults", injectedAt));
}

function causeOf(spec: PostgresRuleSpec): DowntimeCause {
  switch (spec.type) {
    case "error":
      // Class 53 is the server out of resources; 08 and 57P0x a lost or shut-down server.
      return spec.sqlstate.startsWith("53") ? "overload" : /^(08|57P0)/.test(spec.sqlstate) ? "equipment-failure" : "software-failure";
    case "hold":
      return "overload";
    default:
      return "equipment-failure";
  }
}

/** The spec as journal data: patterns as their `/source/flags` text (a RegExp serialises to `{}`). */
function parametersOf(spec: PostgresRuleSpec): Record<string, unknown> {
  const { match, ...rest } = spec as PostgresRuleSpec & { match?: StatementMatch };
  if (match === undefined) return { ...rest };
  const shown: Record<string, unknown> = { ...match };
  for (const key of ["pattern", "inTransactionWith"] as const) if (match[key] !== undefined) shown[key] = String(match[key]);
  return { ...rest, match: shown };
}
