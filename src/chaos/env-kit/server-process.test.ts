import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { ENVIRONMENT_FAILURE_PREFIX, EnvironmentFailureError } from "../core/index.ts";
import { ServerProcess } from "./server-process.ts";

/** A node child that says "ready" and stays, or, once `broken`, writes to stderr and exits during startup (as a server whose data went bad). */
class TinyServer extends ServerProcess {
  readonly name = "tiny";
  broken = false;

  constructor(tempRoot: string) {
    super(tempRoot, { signal: "SIGTERM", graceMs: 1_000 }, 5_000);
  }

  start(): Promise<unknown> {
    return this.spawnAndWait();
  }

  protected spawnServer(): ChildProcess {
    const script = this.broken
      ? `process.stderr.write("FATAL: data directory has invalid permissions\\n"); process.exit(1)`
      : `console.log("ready"); setInterval(() => {}, 1000)`;
    return spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  }

  protected untilReady(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => createInterface({ input: child.stdout! }).once("line", () => resolve()));
  }
}

describe("ServerProcess.restart", () => {
  let server: TinyServer | undefined;
  afterEach(async () => server?.stop());

  it("starts the server again after a kill, with a new PID", async () => {
    server = new TinyServer(await mkdtemp(join(tmpdir(), "chaos-server-process-")));
    await server.start();
    const killed = await server.kill();
    const restarted = await server.restart();

    expect(restarted.pid).not.toBe(killed.pid);
    expect(server.isRunning).toBe(true);
  });

  it("fails as an environment failure with the server's own log when it cannot come back", async () => {
    server = new TinyServer(await mkdtemp(join(tmpdir(), "chaos-server-process-")));
    await server.start();
    await server.kill();
    server.broken = true;
    const failure = await server.restart().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(EnvironmentFailureError);
    expect((failure as Error).message).toMatch(
      new RegExp(`^${ENVIRONMENT_FAILURE_PREFIX}could not start tiny again: tiny exited during startup \\(code 1, signal null\\)`),
    );
    expect((failure as Error).message).toContain("FATAL: data directory has invalid permissions");
    expect(server.isRunning).toBe(false);
  });
});
