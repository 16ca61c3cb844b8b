import { createFaultHandle, positiveInteger, untilEffect, type FaultHandle } from "../../core/index.ts";
import { FaultDuration } from "./fault-duration.ts";
import { closeSession, openSession, QUERY_CANCELED, SESSION_CLOSE_TIMEOUT_MS, sqlState, type FaultSession } from "./postgres-session.ts";
import { connectionUri as validUri, optionalDurationMs } from "./resource-parameters.ts";

/** How long the heavy queries may take to be seen running on every backend. */
const QUERIES_RUNNING_TIMEOUT_MS = 10_000;

/** Rows one heavy query hashes by default: about 0.2 s of one core on a laptop. */
export const DEFAULT_ROWS_PER_QUERY = 2_000_000;

/**
 * CPU-bound on purpose: generate_series in the select list streams rows
 * (ProjectSet) instead of materialising them, so the cost is server CPU and
 * not temp files whose speed depends on the disk.
 */
const HEAVY_QUERY = "SELECT sum(hashtext(g::text)) FROM (SELECT generate_series(1, $1::int) AS g) AS rows";

export interface SlowQueriesOptions {
  connectionUri: string;
  /** Sessions each keeping one server backend busy; more than the server's cores slows everyone. */
  sessions: number;
  /** Rows each heavy query hashes (default 2,000,000); sets how long one query runs and so how fast removal bites. */
  rowsPerQuery?: number;
  /** End by itself after this many milliseconds; without it, only removal ends it. */
  durationMs?: number;
}

/** Live facts of {@link slowQueries}. */
export interface SlowQueriesObservations {
  /** PIDs of the backends doing the heavy work. */
  backendPids: number[];
  /** Heavy queries that ran to completion so far. */
  queriesRun: number;
  /** Server time those queries took, in milliseconds: the CPU taken from other clients. */
  queryMs: number;
  /** Sessions whose loop stopped before removal (connection lost, error). */
  sessionsLost: number;
  /** Once removed: in-flight queries cancelled with pg_cancel_backend, and why it ended. */
  cancelled?: number;
  endedBy?: string;
}

/**
 * Overloads the server's CPU: `sessions` backends run a CPU-heavy aggregate
 * back to back, so every other query gets a smaller share of the cores.
 * Load, not an artificial delay: PostgreSQL has no per-statement delay that
 * applies to sessions already open, and this is what a runaway report does.
 * Stamped once every backend is seen running its query (pg_stat_activity
 * says "active"). Removal cancels the running queries and closes the sessions.
 */
export async function slowQueries(options: SlowQueriesOptions): Promise<FaultHandle> {
  const uri = validUri(options.connectionUri);
  const sessionCount = positiveInteger(options.sessions, "sessions");
  const rowsPerQuery = positiveInteger(options.rowsPerQuery ?? DEFAULT_ROWS_PER_QUERY, "rowsPerQuery");
  const durationMs = optionalDurationMs(options.durationMs);

  // Each session keeps exactly one backend busy, whatever the server's parallel-query settings.
  const setup = "SET max_parallel_workers_per_gather = 0; SET statement_timeout = 0";
  const opened = await Promise.allSettled([
    ...Array.from({ length: sessionCount }, () => openSession(uri, "chaos:slow-queries", setup)),
    openSession(uri, "chaos:slow-queries-control"),
  ]);
  const succeeded = opened.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failed = opened.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) {
    await Promise.all(succeeded.map((session) => closeSession(session.client)));
    throw failed.reason;
  }
  // The control session stays idle so removal can cancel even while every worker is busy.
  const control = succeeded.pop()!;
  const sessions = succeeded;

  let stopping = false;
  const backendPids = sessions.map((session) => session.backendPid);
  // createFaultHandle keeps this record, so the loops count into the one readers hold.
  const live: SlowQueriesObservations = { backendPids, queriesRun: 0, queryMs: 0, sessionsLost: 0 };
  const loops = sessions.map((session) => runHeavyLoop(session, rowsPerQuery, live, () => stopping));
  const stop = async () => {
    stopping = true;
    const cancel = { text: "SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid", values: [backendPids], query_timeout: SESSION_CLOSE_TIMEOUT_MS };
    await control.client.query(cancel).catch(() => undefined);
    // A query the cancel missed (frozen server, lost signal) is cut off by closing its session instead.
    await settledWithin(Promise.all(loops), SESSION_CLOSE_TIMEOUT_MS);
    await Promise.all([...sessions, control].map((session) => closeSession(session.client)));
    return Promise.all(loops);
  };
  let injectedAt;
  try {
    const seenRunning = new Set<number>();
    injectedAt = await untilEffect("slow queries", () => allSeenActive(control, backendPids, seenRunning), {
      timeoutMs: QUERIES_RUNNING_TIMEOUT_MS,
      intervalMs: 10,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const duration = new FaultDuration();
  const handle = createFaultHandle(
    { kind: "postgres/slow-queries", cause: "overload", target: "postgres", parameters: { sessions: sessionCount, rowsPerQuery, durationMs } },
    live as unknown as Record<string, unknown>,
    async () => {
      duration.disarm();
      const outcomes = await stop();
      return { cancelled: outcomes.filter((outcome) => outcome === "cancelled").length, endedBy: duration.endedBy };
    },
    injectedAt,
  );
  duration.arm(handle, durationMs);
  return handle;
}

/**
 * True once every backend in `pids` has been seen running a statement
 * (`seen` accumulates over calls: short queries leave a backend idle between
 * them); otherwise which have not.
 */
async function allSeenActive(control: FaultSession, pids: readonly number[], seen: Set<number>): Promise<true | string> {
  const active = {
    text: "SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int[]) AND state = 'active'",
    values: [pids],
    query_timeout: SESSION_CLOSE_TIMEOUT_MS,
  };
  const { rows } = await control.client.query<{ pid: number }>(active);
  for (const row of rows) seen.add(row.pid);
  const idle = pids.filter((pid) => !seen.has(pid));
  return idle.length === 0 || `backends ${idle.join(", ")} not seen running their query`;
}

/** Runs the heavy query until told to stop; says how the loop ended. */
async function runHeavyLoop(
  session: FaultSession,
  rows: number,
  live: SlowQueriesObservations,
  stopping: () => boolean,
): Promise<"stopped" | "cancelled" | "lost"> {
  while (!stopping()) {
    const started = performance.now();
    try {
      await session.client.query(HEAVY_QUERY, [rows]);
      live.queriesRun++;
      live.queryMs += performance.now() - started;
    } catch (error) {
      if (stopping()) return sqlState(error) === QUERY_CANCELED ? "cancelled" : "stopped";
      live.sessionsLost++;
      return "lost";
    }
  }
  return "stopped";
}

/** Waits for `promise` to settle, but no longer than `timeoutMs`. */
async function settledWithin(promise: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}
