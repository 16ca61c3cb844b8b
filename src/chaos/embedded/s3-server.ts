import { spawn, type ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { freePort, ServerProcess } from "../env-kit/index.ts";
import { inOwnedTempDir, startOrStop } from "./orphan-sweeper.ts";

export const S3_STARTUP_TIMEOUT_MS = 20_000;
const ENTRY = fileURLToPath(new URL("./s3rver-main.mjs", import.meta.url));

/** Credentials s3rver accepts; not secrets, but kept out of logs like real ones. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/**
 * An S3-compatible server (s3rver) in its own process on a random loopback
 * port, storing objects in a temporary directory that survives restarts.
 */
export class S3Server extends ServerProcess {
  readonly name = "s3";

  private constructor(
    directory: string,
    readonly port: number,
  ) {
    super(directory, { signal: "SIGTERM", graceMs: 3_000 }, S3_STARTUP_TIMEOUT_MS);
  }

  static async start(): Promise<S3Server> {
    return inOwnedTempDir("chaos-s3-", async (directory) => {
      await mkdir(join(directory, "data"));
      return startOrStop(new S3Server(directory, await freePort()), (server) => server.spawnAndWait());
    });
  }

  /** The directory where s3rver keeps `bucket`'s objects (see SeededBucketCache). */
  bucketDirectory(bucket: string): string {
    return join(this.tempRoot, "data", bucket);
  }

  /** Endpoint for path-style S3 clients. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected spawnServer(): ChildProcess {
    // stdin stays open: the child exits (and removes its data) when it reaches EOF, i.e. when this process dies.
    return spawn(process.execPath, ["--openssl-legacy-provider", ENTRY, join(this.tempRoot, "data"), String(this.port)], {
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
  }

  protected untilReady(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => createInterface({ input: child.stdout! }).once("line", () => resolve()));
  }
}
