import { createFaultHandle, effectSeen, FaultParameterError, type FaultHandle, type ConnectionExhaustionOptions } from "../../core/index.ts";
import { FaultDuration } from "./fault-duration.ts";
import { closeSession, openSession, sqlState, TOO_MANY_CONNECTIONS, type FaultSession } from "./postgres-session.ts";
import { connectionUri as validUri, nonNegativeInteger, optionalDurationMs } from "./resource-parameters.ts";

/** Sessions opened at once while filling the server; enough to be quick, few enough not to overshoot much. */
const CONNECT_BATCH = 8;
/** Sessions beyond max_connections after which the server is assumed to sit behind a pooler that never refuses. */
const OVERSHOOT_LIMIT = 16;

/** Live facts of {@link exhaustPostgresConnections}. */
export interface ConnectionExhaustionObservations {
  /** Sessions the fault holds; drops if the server ends some (restart, pg_terminate_backend). */
  held: number;
  /** The server's max_connections setting. */
  maxConnections: number;
  /** The refusal that proved the server full. */
  refusedWith: { code: string; message: string };
  /** Once removed: sessions closed, milliseconds they were held, and why it ended. */
  released?: number;
  heldMs?: number;
  endedBy?: string;
}

/**
 * Opens sessions until the server refuses with SQLSTATE 53300 ("sorry, too
 * many clients already") and holds them all, minus `reserve`, so that every
 * other client is refused as in a connection storm. Removal closes them.
 */
export async function exhaustPostgresConnections(options: ConnectionExhaustionOptions): Promise<FaultHandle> {
  const uri = validUri(options.connectionUri);
  const reserve = nonNegativeInteger(options.reserve ?? 0, "reserve");
  const durationMs = optionalDurationMs(options.durationMs);
  const sessions: FaultSession[] = [];
  let refusal: Error | undefined;
  try {
    sessions.push(await openSession(uri, "chaos:connection-exhaustion"));
    const { rows } = await sessions[0]!.client.query<{ max_connections: string }>("SHOW max_connections");
    const maxConnections = Number(rows[0]!.max_connections);
    while (refusal === undefined) {
      if (sessions.length > maxConnections + OVERSHOOT_LIMIT)
        throw new Error(`opened ${sessions.length} sessions but max_connections is ${maxConnections} and nothing refused: is a pooler in between?`);
      const batch = await Promise.allSettled(Array.from({ length: CONNECT_BATCH }, () => openSession(uri, "chaos:connection-exhaustion")));
      for (const result of batch) {
        if (result.status === "fulfilled") sessions.push(result.value);
        else if (sqlState(result.reason) === TOO_MANY_CONNECTIONS) refusal ??= result.reason as Error;
        else throw result.reason;
      }
    }
    if (reserve >= sessions.length)
      throw new FaultParameterError("reserve", `must leave at least one of the ${sessions.length} available slots taken, got ${reserve}`);
    await Promise.all(sessions.splice(sessions.length - reserve, reserve).map((session) => closeSession(session.client)));
    return hold(sessions, maxConnections, refusal, { reserve, durationMs });
  } catch (error) {
    await Promise.all(sessions.map((session) => closeSession(session.client)));
    throw error;
  }
}

function hold(sessions: FaultSession[], maxConnections: number, refusal: Error, parameters: { reserve: number; durationMs: number | undefined }): FaultHandle {
  const duration = new FaultDuration();
  let releasing = false;
  const handle = createFaultHandle(
    { kind: "postgres/connection-exhaustion", cause: "overload", target: "postgres", parameters },
    {
      held: sessions.length,
      maxConnections,
      refusedWith: { code: TOO_MANY_CONNECTIONS, message: refusal.message },
    } satisfies ConnectionExhaustionObservations,
    async () => {
      duration.disarm();
      releasing = true;
      const released = live.held;
      await Promise.all(sessions.map((session) => closeSession(session.client)));
      return { released, heldMs: performance.now() - handle.injectedAt, endedBy: duration.endedBy };
    },
    effectSeen("the server refused a session (53300) and every slot but the reserve is held"),
  );
  // Live counts go into the handle's own record: that is the one readers hold, whether or not createFaultHandle copied ours.
  const live = handle.observations as unknown as ConnectionExhaustionObservations;
  for (const session of sessions)
    void session.ended.then(() => {
      if (!releasing) live.held--;
    });
  duration.arm(handle, parameters.durationMs);
  return handle;
}
