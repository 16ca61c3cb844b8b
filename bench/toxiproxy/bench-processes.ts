/**
 * The processes of the proxy bench, each separate from the measuring client
 * as in a scenario: the bench servers, this project's proxy (started through
 * `chaos-control toxiproxy`'s command function) and, when a path to it is
 * given, a real `toxiproxy-server` binary.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { ToxiproxyApi } from "../../src/chaos/toxiproxy/index.ts";

/** A started child; `stop()` sends SIGTERM and waits for the exit. */
export interface BenchProcess {
  /** The process id, for reading its CPU time. */
  readonly pid: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;
/** Output of a failed binary kept for the error message. */
const OUTPUT_TAIL_CHARS = 2_000;

const PROXY_SCRIPT = `
  import { runToxiproxyCommand } from ${JSON.stringify(fileURLToPath(new URL("../../src/chaos/toxiproxy/cli.ts", import.meta.url)))};
  process.exitCode = await runToxiproxyCommand(["--listen", "127.0.0.1:0"]);
`;

/** A Node child running `script` (an ES module), once it has printed its first line. */
export async function startNodeScript(script: string, nodeOptions: string[] = []): Promise<BenchProcess & { firstLine: string }> {
  const child = spawn(process.execPath, [...nodeOptions, "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = exitOf(child);
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => reject(new Error(`child silent after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      child.stdout?.on("data", (data: Buffer) => {
        output += data.toString();
        const newline = output.indexOf("\n");
        if (newline >= 0) {
          clearTimeout(timer);
          resolve(output.slice(0, newline));
        }
      });
      void exited.then(() => reject(new Error(`child exited before it was ready: ${output}`)));
    });
    return { firstLine, pid: child.pid ?? 0, stop: () => stopChild(child, exited) };
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }
}

/** This project's Toxiproxy-compatible server in a child of its own, and a client for its API. */
export async function startOwnProxy(): Promise<BenchProcess & { api: ToxiproxyApi }> {
  const child = await startNodeScript(PROXY_SCRIPT, ["--import", "tsx"]);
  const url = /listening on (\S+)/.exec(child.firstLine)?.[1];
  if (!url) {
    await child.stop();
    throw new Error(`the proxy did not say where it listens: ${child.firstLine}`);
  }
  return { api: new ToxiproxyApi(url), pid: child.pid, stop: child.stop };
}

/**
 * Runs `binary -host 127.0.0.1 -port <free port>` (toxiproxy-server's flags)
 * and waits until its API answers `/version`.
 */
export async function startToxiproxyBinary(binary: string): Promise<BenchProcess & { api: ToxiproxyApi; version: string }> {
  const port = await freePort();
  const child = spawn(binary, ["-host", "127.0.0.1", "-port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (data: Buffer): void => {
    output = (output + data.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  const exited = exitOf(child);
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const api = new ToxiproxyApi(`http://127.0.0.1:${port}`, { timeoutMs: 1_000 });
  const started = performance.now();
  for (;;) {
    try {
      const version = await api.version();
      return { api, version, pid: child.pid ?? 0, stop: () => stopChild(child, exited) };
    } catch {
      // Not listening yet.
    }
    const elapsedMs = performance.now() - started;
    if (spawnError || hasExited || elapsedMs > START_TIMEOUT_MS) {
      await stopChild(child, exited);
      const why = spawnError ? spawnError.message : hasExited ? "it exited" : `no answer after ${Math.round(elapsedMs)} ms`;
      throw new Error(`TOXIPROXY_BIN=${binary}: its API on 127.0.0.1:${port} never answered (${why}); its output: ${output.trim() || "(none)"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill("SIGTERM");
  await exited;
}

/** A port nothing listens on right now (the binary binds it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
