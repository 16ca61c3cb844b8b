/**
 * The vocabulary of exploration: a fault point (one dependency call the
 * pipeline was seen to make, and how often), a fault kind, an occurrence,
 * and a cell, one run of the matrix.
 */
import type { S3Operation } from "../core/index.ts";
import type { StatementKind } from "../postgres-proxy/index.ts";

/** Where a fault lands: an S3 operation, or a Postgres session's connect, BEGIN, COMMIT, COPY into a table, or exact statement (by normalised text). */
export type FaultTarget =
  | { readonly service: "s3"; readonly operation: S3Operation }
  | { readonly service: "postgres"; readonly call: "connect" | "begin" | "commit" }
  | { readonly service: "postgres"; readonly call: "copy"; readonly table: string; readonly normalized: string }
  | { readonly service: "postgres"; readonly call: "statement"; readonly kind: StatementKind; readonly normalized: string };

/** One distinct dependency call the recording run reached, and how often. */
export interface FaultPoint {
  /** Short stable name, e.g. `s3 GetObject`, `pg COMMIT`, `pg COPY filename_instrument`, `pg SELECT key FROM source_object …`. */
  readonly name: string;
  readonly target: FaultTarget;
  /** Times the fault-free recording run reached it. */
  readonly count: number;
}

export const FAULT_KINDS = [
  "transient-error",
  "permanent-error",
  "hang",
  "reset",
  "commit-ack-lost",
  "write-conflict",
  "pooler-error",
  "truncated-body",
  "corrupted-body",
  "sigkill",
] as const;

/**
 * What is done at the point: an error the pipeline may retry, one it may
 * not, a call held past the pipeline's deadline, a connection reset, a
 * COMMIT whose acknowledgement is lost, a GetObject body cut short or with
 * a flipped byte, a COPY refused with a unique violation (23505) as when a
 * concurrent writer committed the same rows first, a connection pooler's
 * refusal (PgBouncer's FATAL 08P01, a connection exception, and the
 * connection closed), or the pipeline killed (SIGKILL) while the call is in
 * flight and then started again.
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

export const OCCURRENCE_LABELS = ["first", "middle", "last"] as const;
export type OccurrenceLabel = (typeof OCCURRENCE_LABELS)[number];

/** One run of the matrix: a fault kind at one occurrence of one point. */
export interface ExplorationCell {
  /** `<point> × <kind> × <occurrence>`, the JUnit test case's name. */
  readonly name: string;
  readonly point: FaultPoint;
  readonly kind: FaultKind;
  readonly occurrence: OccurrenceLabel;
  /** Which reach of the point, counting from 1 (first: 1, last: the point's count). */
  readonly nth: number;
}

export function cellName(point: FaultPoint, kind: FaultKind, occurrence: OccurrenceLabel): string {
  return `${point.name} × ${kind} × ${occurrence}`;
}
