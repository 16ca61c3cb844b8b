/**
 * The PostgreSQL sessions a fault holds open. Each is named in
 * `pg_stat_activity.application_name` so an operator (or a probe) can tell
 * the fault's backends from the pipeline's.
 */
import pg from "pg";

/** SQLSTATE of "sorry, too many clients already" (and of the reserved-slots refusal). */
export const TOO_MANY_CONNECTIONS = "53300";
/** SQLSTATE of a statement cancelled by pg_cancel_backend or a statement timeout. */
export const QUERY_CANCELED = "57014";
/** How long opening one session may take before the fault gives up. */
export const SESSION_CONNECT_TIMEOUT_MS = 10_000;
/** How long closing a session, or a housekeeping statement on it, may take before the fault stops waiting. */
export const SESSION_CLOSE_TIMEOUT_MS = 3_000;

/** A connected session and the backend serving it. */
export interface FaultSession {
  client: pg.Client;
  /** PID of the server process serving this session (pg_backend_pid()). */
  backendPid: number;
  /** Settles when the connection ends, for whatever reason. */
  ended: Promise<void>;
}

/** The SQLSTATE of a server error, if `error` is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Connects as `applicationName`, runs `setupSql` (e.g. SET statements), and
 * returns the session with its backend PID; a failure closes it. Errors after connecting (the server terminating the session) never crash
 * the process: they end the session, which `ended` reports.
 */
export async function openSession(connectionUri: string, applicationName: string, setupSql?: string): Promise<FaultSession> {
  const client = new pg.Client({
    connectionString: connectionUri,
    application_name: applicationName,
    connectionTimeoutMillis: SESSION_CONNECT_TIMEOUT_MS,
    keepAlive: true,
  });
  client.on("error", () => undefined);
  const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
  try {
    await client.connect();
    if (setupSql !== undefined) await client.query(setupSql);
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    return { client, backendPid: rows[0]!.pid, ended };
  } catch (error) {
    await closeSession(client);
    throw error;
  }
}

/** Closes a session, tolerating one that is already broken; never hangs longer than a few seconds. */
export async function closeSession(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), SESSION_CLOSE_TIMEOUT_MS);
  });
  try {
    const outcome = await Promise.race([client.end().catch(() => undefined), timedOut]);
    // A session stuck behind a statement that will not end is cut off at the socket instead.
    if (outcome === "timeout") (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  } finally {
    clearTimeout(timer);
  }
}
