import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { onInterrupt, trackChild } from "./child-registry.ts";
import { freePort } from "./free-port.ts";
import { inOwnedTempDir, startOrStop } from "./orphan-sweeper.ts";
import { LogTail } from "./log-tail.ts";
import type { ProcessOutcome, StartOutcome } from "./postgres-server.ts";

export const S3_STARTUP_TIMEOUT_MS = 20_000;
const ENTRY = fileURLToPath(new URL("./s3rver-main.mjs", import.meta.url));

/** Credentials s3rver accepts; not secrets, but kept out of logs like real ones. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/**
 * An S3-compatible server (s3rver) in its own process on a random loopback
 * port, storing objects in a temporary directory that survives restarts.
 */
export class S3Server implements AsyncDisposable {
  readonly name = "s3";
  private child: ChildProcess | undefined;
  private stopped = false;
  private readonly unregister: () => void;
  readonly log = new LogTail(100);

  private constructor(
    private readonly directory: string,
    readonly port: number,
  ) {
    this.unregister = onInterrupt(() => this.stop());
  }

  static async start(): Promise<S3Server> {
    return inOwnedTempDir("chaos-s3-", async (directory) => {
      await mkdir(join(directory, "data"));
      return startOrStop(new S3Server(directory, await freePort()), (server) => server.spawnAndWait());
    });
  }

  /** Endpoint for path-style S3 clients. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.isRunning ? this.child?.pid : undefined;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async signalAndWait(signal: NodeJS.Signals): Promise<ProcessOutcome> {
    const child = this.child;
    if (!child || !this.isRunning) throw new Error("the S3 server is not running");
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const at = performance.now();
    child.kill(signal);
    await exited;
    return { pid: child.pid!, signal, at };
  }

  kill(): Promise<ProcessOutcome> {
    return this.signalAndWait("SIGKILL");
  }

  gracefulStop(): Promise<ProcessOutcome> {
    return this.signalAndWait("SIGTERM");
  }

  pause(): ProcessOutcome {
    return this.sendSignal("SIGSTOP");
  }

  resume(): ProcessOutcome {
    return this.sendSignal("SIGCONT");
  }

  async restart(): Promise<StartOutcome> {
    if (this.isRunning) throw new Error(`the S3 server (pid ${this.child?.pid}) is still running`);
    return this.spawnAndWait();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unregister();
    if (this.isRunning) {
      const child = this.child!;
      child.kill("SIGCONT");
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.directory, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private sendSignal(signal: NodeJS.Signals): ProcessOutcome {
    const pid = this.pid;
    if (pid === undefined) throw new Error("the S3 server is not running");
    const at = performance.now();
    process.kill(pid, signal);
    return { pid, signal, at };
  }

  private async spawnAndWait(): Promise<StartOutcome> {
    const started = performance.now();
    const child = spawn(process.execPath, ["--openssl-legacy-provider", ENTRY, join(this.directory, "data"), String(this.port)], {
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    this.child = child;
    trackChild(child);
    child.stderr?.on("data", (chunk: Buffer) => this.log.push(chunk.toString()));
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${S3_STARTUP_TIMEOUT_MS} ms:\n${this.log.text()}`)), S3_STARTUP_TIMEOUT_MS);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited during startup (code ${code}, signal ${signal}):\n${this.log.text()}`));
      });
      lines.once("line", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return { pid: child.pid!, readyAfterMs: performance.now() - started };
  }
}
