/** Asks the server directly what became of a transaction whose COMMIT acknowledgement was lost. */
import pg from "pg";

/** `pg_xact_status`: null when the xid is too old to know (or was never assigned). */
export type XactStatus = "committed" | "aborted" | "in progress" | null;

export interface LostAckOutcome {
  readonly xid: string;
  readonly status: XactStatus;
  readonly committed: boolean;
}

/**
 * Looks up each xid through its own connection (not through the proxy).
 * `connection` carries credentials: never log it.
 */
export async function lostAckOutcomes(connection: string | pg.ClientConfig, xids: readonly string[]): Promise<LostAckOutcome[]> {
  const client = new pg.Client(connection);
  client.on("error", () => undefined);
  await client.connect();
  try {
    const outcomes: LostAckOutcome[] = [];
    for (const xid of xids) {
      const { rows } = await client.query<{ status: XactStatus }>("SELECT pg_xact_status($1::xid8) AS status", [xid]);
      const status = rows[0]?.status ?? null;
      outcomes.push({ xid, status, committed: status === "committed" });
    }
    return outcomes;
  } finally {
    await client.end().catch(() => undefined);
  }
}
