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
    const connected = Object.assign(new pg.Client({ connectionString: this.server.connectionUri("postgres", port), query_timeout: 10_000 }), {
      lost: [] as Error[],
    });
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

/**
 * Sends `sql` (several statements, `COPY ... FROM STDIN` among them) as one
 * simple Query with the data of every COPY right behind it, in one write, as
 * a pipelining client does (the pipeline's extraction writer among them):
 * `rows[i]` are the text-format rows of the i-th COPY. Resolves with the
 * command tag of each statement, rejects with the server's (or the
 * connection's) error.
 */
export function multiStatementQuery(c: pg.Client, sql: string, rows: readonly (readonly string[])[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const tags: string[] = [];
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      submittable.callback();
      if (error) reject(error);
      else resolve(tags);
    };
    const submittable = {
      text: sql,
      callback: (_error?: Error) => undefined,
      submit(connection: { query(text: string): void; stream: NodeJS.WritableStream & { cork(): void; uncork(): void } }) {
        connection.stream.cork();
        connection.query(sql);
        for (const copy of rows) {
          for (const row of copy) connection.stream.write(copyMessage(0x64, Buffer.from(row, "utf8")));
          connection.stream.write(copyMessage(0x63, Buffer.alloc(0)));
        }
        connection.stream.uncork();
      },
      handleCopyInResponse: () => undefined,
      handleRowDescription: () => undefined,
      handleDataRow: () => undefined,
      handleEmptyQuery: () => undefined,
      handleCommandComplete: (message: { text?: string }) => void tags.push(message.text ?? ""),
      handleReadyForQuery: () => settle(),
      handleError: (error: Error) => settle(error),
    };
    void c.query(submittable as unknown as pg.QueryConfig);
  });
}

/** A CopyData (`d`) or CopyDone (`c`) message. */
function copyMessage(type: number, payload: Buffer): Buffer {
  const header = Buffer.allocUnsafe(5);
  header[0] = type;
  header.writeInt32BE(payload.length + 4, 1);
  return Buffer.concat([header, payload]);
}
