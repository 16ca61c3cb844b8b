import pg from "pg";
import { createFaultHandle, effectSeen, FaultParameterError, nonNegative, type FaultHandle } from "../../core/index.ts";
import { FaultDuration } from "./fault-duration.ts";
import { closeSession, openSession } from "./postgres-session.ts";
import { connectionUri as validUri, nonEmptyName, optionalDurationMs } from "./resource-parameters.ts";

/** PostgreSQL's table lock modes, weakest first; the only text ever spliced into the LOCK statement. */
export const TABLE_LOCK_MODES = [
  "ACCESS SHARE",
  "ROW SHARE",
  "ROW EXCLUSIVE",
  "SHARE UPDATE EXCLUSIVE",
  "SHARE",
  "SHARE ROW EXCLUSIVE",
  "EXCLUSIVE",
  "ACCESS EXCLUSIVE",
] as const;

export type TableLockMode = (typeof TABLE_LOCK_MODES)[number];

/** How long taking the lock may wait behind others by default, in milliseconds. */
export const LOCK_ACQUIRE_TIMEOUT_MS = 5_000;

export interface TableLockOptions {
  connectionUri: string;
  /** Table to lock, as named in the catalog (quoted, so case and odd characters are kept). */
  table: string;
  /** Schema of the table; without it, the session's search_path decides. */
  schema?: string;
  /** Lock mode (default "ACCESS EXCLUSIVE": blocks even reads). */
  mode?: TableLockMode;
  /** How long taking the lock may wait behind other holders, in milliseconds (default 5000; 0 waits indefinitely). */
  acquireTimeoutMs?: number;
  /** Release by itself after this many milliseconds; without it, only removal releases it. */
  durationMs?: number;
}

/**
 * Takes a table lock in an open transaction and keeps it until removal, as a
 * forgotten migration or a long report query would: every statement that
 * conflicts with the mode waits. Observations: `table`, `mode`, the holding
 * `backendPid` (to find it in pg_locks), `acquiredAfterMs`, and live
 * `sessionLost` (the server ended the session, and with it the lock, early);
 * once removed, `heldMs` and `endedBy`.
 */
export async function holdTableLock(options: TableLockOptions): Promise<FaultHandle> {
  const uri = validUri(options.connectionUri);
  const table = nonEmptyName(options.table, "table");
  const schema = options.schema === undefined ? undefined : nonEmptyName(options.schema, "schema");
  const mode = options.mode ?? "ACCESS EXCLUSIVE";
  if (!TABLE_LOCK_MODES.includes(mode)) throw new FaultParameterError("mode", `must be one of ${TABLE_LOCK_MODES.join(", ")}, got ${JSON.stringify(mode)}`);
  const acquireTimeoutMs = nonNegative(options.acquireTimeoutMs ?? LOCK_ACQUIRE_TIMEOUT_MS, "acquireTimeoutMs");
  const durationMs = optionalDurationMs(options.durationMs);
  const qualified = schema === undefined ? pg.escapeIdentifier(table) : `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;

  // The server's own idle-in-transaction timeout would otherwise end the fault early and silently.
  const session = await openSession(
    uri,
    "chaos:table-lock",
    `SET idle_in_transaction_session_timeout = 0; SET statement_timeout = 0; SET lock_timeout = ${Math.round(acquireTimeoutMs)}`,
  );
  const started = performance.now();
  try {
    await session.client.query("BEGIN");
    await session.client.query(`LOCK TABLE ${qualified} IN ${mode} MODE`);
  } catch (error) {
    await closeSession(session.client);
    throw error;
  }
  const acquiredAt = performance.now();
  const duration = new FaultDuration();
  let releasing = false;
  const handle = createFaultHandle(
    { kind: "postgres/lock-contention", cause: "overload", target: "postgres", parameters: { table, schema, mode, acquireTimeoutMs, durationMs } },
    {
      table: schema === undefined ? table : `${schema}.${table}`,
      mode,
      backendPid: session.backendPid,
      acquiredAfterMs: acquiredAt - started,
      sessionLost: false,
    },
    async () => {
      duration.disarm();
      releasing = true;
      // Ending the session aborts the transaction: unlike a ROLLBACK, it cannot hang on a frozen server.
      await closeSession(session.client);
      return { heldMs: performance.now() - acquiredAt, endedBy: duration.endedBy };
    },
    effectSeen("LOCK TABLE returned: the lock is granted", acquiredAt),
  );
  void session.ended.then(() => {
    // Written into the handle's own record: that is the one readers hold, whether or not createFaultHandle copied ours.
    if (!releasing) (handle.observations as Record<string, unknown>).sessionLost = true;
  });
  duration.arm(handle, durationMs);
  return handle;
}
