/**
 * The plan of an exploration: from what a fault-free recording run reached,
 * every fault point × each fault kind that applies to it × the first, a
 * middle and the last occurrence.
 */
import type { S3Operation } from "../core/index.ts";
import type { S3ProxyRecording } from "../faults/index.ts";
import type { ProxyRecording } from "../postgres-proxy/index.ts";
import { cellName, FAULT_KINDS, type ExplorationCell, type FaultKind, type FaultPoint, type OccurrenceLabel } from "./fault-point.ts";

/** What the recording run saw on both fault proxies (only its own calls). */
export interface ExplorationRecording {
  readonly postgres: ProxyRecording;
  readonly s3: S3ProxyRecording;
}

/** The fault points of a recording: S3 operations, then Postgres connect, BEGIN, statements and COPYs in order of first appearance, COMMIT. */
export function faultPoints(recording: ExplorationRecording): FaultPoint[] {
  const points: FaultPoint[] = [];
  for (const [operation, count] of Object.entries(recording.s3.operations)) {
    if (count) points.push({ name: `s3 ${operation}`, target: { service: "s3", operation: operation as S3Operation }, count });
  }
  if (recording.postgres.connects > 0)
    points.push({ name: "pg connect", target: { service: "postgres", call: "connect" }, count: recording.postgres.connects });
  if (recording.postgres.begins > 0) points.push({ name: "pg BEGIN", target: { service: "postgres", call: "begin" }, count: recording.postgres.begins });
  for (const { statement, kind, count } of recording.postgres.statements) {
    if (kind === "copy") {
      const table = /^copy\s+((?:"[^"]+"|[\w.])+)/i.exec(statement)?.[1] ?? "?";
      points.push({ name: `pg COPY ${table}`, target: { service: "postgres", call: "copy", table, normalized: statement }, count });
    } else if (kind === "query") {
      points.push({ name: `pg ${abbreviate(statement)}`, target: { service: "postgres", call: "statement", kind, normalized: statement }, count });
    }
  }
  if (recording.postgres.commits > 0) points.push({ name: "pg COMMIT", target: { service: "postgres", call: "commit" }, count: recording.postgres.commits });
  return disambiguate(points);
}

/** The fault kinds that mean something at `point`. */
export function applicableKinds(point: FaultPoint): FaultKind[] {
  const target = point.target;
  return FAULT_KINDS.filter((kind) => {
    switch (kind) {
      case "commit-ack-lost":
        return target.service === "postgres" && target.call === "commit";
      case "write-conflict":
        return target.service === "postgres" && target.call === "copy";
      case "pooler-error":
        // A pooler refuses a session at its login, or a transaction's first statement it could find no server for.
        return target.service === "postgres" && (target.call === "connect" || target.call === "begin");
      case "truncated-body":
      case "corrupted-body":
        return target.service === "s3" && target.operation === "GetObject";
      default:
        return true;
    }
  });
}

/** First, middle and last reach of a point reached `count` times; fewer when they coincide. */
export function occurrences(count: number): { label: OccurrenceLabel; nth: number }[] {
  const all: { label: OccurrenceLabel; nth: number }[] = [
    { label: "first", nth: 1 },
    { label: "middle", nth: Math.ceil(count / 2) },
    { label: "last", nth: count },
  ];
  return all.filter((each, index) => count >= 1 && all.findIndex((other) => other.nth === each.nth) === index);
}

/**
 * How many reaches of `point` a faulted run is sure to make. A connection pool opens its later connections only when
 * queries overlap, which timing decides (the recording saw 2 connects, a faulted run sometimes 1, and a cell at the
 * last connect never fired): connect is planned at its first reach only.
 */
export function sureReaches(point: FaultPoint): number {
  return point.target.service === "postgres" && point.target.call === "connect" ? Math.min(point.count, 1) : point.count;
}

/**
 * The reaches of `point` planned for `kind`. A pooler's refusal is planned at the first reach only: what the pipeline
 * must do with it (retry a connection exception) depends on its SQLSTATE, not on which BEGIN it meets, and the
 * matrix has room for few cells (its BEGIN's other reaches are covered by the reset and transient-error cells).
 */
export function plannedReaches(point: FaultPoint, kind: FaultKind): number {
  return kind === "pooler-error" ? Math.min(sureReaches(point), 1) : sureReaches(point);
}

/** Every cell of the full matrix, point by point. */
export function planExploration(recording: ExplorationRecording): ExplorationCell[] {
  return faultPoints(recording).flatMap((point) =>
    applicableKinds(point).flatMap((kind) =>
      occurrences(plannedReaches(point, kind)).map(({ label, nth }) => ({ name: cellName(point, kind, label), point, kind, occurrence: label, nth })),
    ),
  );
}

export const SELECTIONS = ["smoke", "full"] as const;
export type Selection = (typeof SELECTIONS)[number];

/**
 * The cells to run. "full": all. "smoke": per service and fault kind, its
 * cell at the middle occurrence of the point reached most often (the first
 * such point in plan order), so every kind runs once against each service it
 * applies to. `filters`: only cells whose name contains one of them.
 */
export function selectCells(cells: readonly ExplorationCell[], selection: Selection, filters: readonly string[] = []): ExplorationCell[] {
  const filtered = filters.length === 0 ? [...cells] : cells.filter((cell) => filters.some((filter) => cell.name.includes(filter)));
  if (selection === "full") return filtered;
  const chosen = new Map<string, ExplorationCell>();
  for (const cell of filtered) {
    const group = `${cell.point.target.service}/${cell.kind}`;
    const current = chosen.get(group);
    const rank = (candidate: ExplorationCell) => candidate.point.count * 10 + (candidate.occurrence === "middle" ? 2 : candidate.occurrence === "last" ? 1 : 0);
    if (!current || rank(cell) > rank(current)) chosen.set(group, cell);
  }
  return filtered.filter((cell) => [...chosen.values()].includes(cell));
}

function abbreviate(statement: string): string {
  return statement.length <= 48 ? statement : `${statement.slice(0, 47)}…`;
}

/** Two long statements may abbreviate alike: number the later ones so every point's name is unique. */
function disambiguate(points: FaultPoint[]): FaultPoint[] {
  const seen = new Map<string, number>();
  return points.map((point) => {
    const times = (seen.get(point.name) ?? 0) + 1;
    seen.set(point.name, times);
    return times === 1 ? point : { ...point, name: `${point.name} #${times}` };
  });
}
