/**
 * A real Postgres for the proxy's tests (one per test file) and the clients
 * the tests observe the effects with. Clients keep connection errors instead
 * of throwing them, since a cut is what several tests cause on purpose.
 */
import pg from "pg";
import { PostgresProxy } from "./postgres-proxy.ts";

/**
 * The Postgres server the kit runs against; the test file starts it (the
 * embedded environment's PostgresServer), since this area sits below every
 * environment and imports none of them.
 */
export interface TestPostgresServer {
  readonly port: number;
  connectionUri(database?: string, port?: number): string;
  stop(): Promise<void>;
}

export type ObservingClient = pg.Client & { readonly lost: Error[] };

export class PostgresTestKit {
  private tables = 0;

  constructor(readonly server: TestPostgresServer) {}

  stop(): Promise<void> {
    return this.server.stop();
  }

  proxy(): Promise<PostgresProxy> {
    return PostgresProxy.start({ upstream: { host: "127.0.0.1", port: this.server.port } });
  }

  /** A connected client, through the proxy on `port` or directly. */
  async client(port = this.server.port): Promise<ObservingClient> {
    const connected = Object.assign(new pg.Client({ connectionString: this.server.connectionUri("postgres", port), query_timeout: 10_000 }), { lost: [] as Error[] });
    connected.on("error", (error) => connected.lost.push(error));
    await connected.connect();
    return connected;
  }

  /** Runs `sql` on a direct connection of its own. */
  async direct<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
    const c = await this.client();
    try {
      return (await c.query<T>(sql, values)).rows;
    } finally {
      await c.end();
    }
  }

  /** A new table `(id int PRIMARY KEY, note text)`. */
  async freshTable(): Promise<string> {
    const name = `proxied_${++this.tables}`;
    await this.direct(`CREATE TABLE ${name} (id int PRIMARY KEY, note text)`);
    return name;
  }

  /** Ids in `table`, ascending. */
  async ids(table: string): Promise<number[]> {
    return (await this.direct<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((row) => row.id);
  }
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; severity?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; severity?: string };
  }
  throw new Error("expected the statement to fail, but it succeeded");
}
