/** `chaos-control toxiproxy`: starts, populates from a file, stops on a signal. */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runToxiproxyCommand } from "./cli.ts";
import { TcpTestKit } from "./tcp-test-kit.ts";
import { ToxiproxyApi } from "./toxiproxy-api.ts";

const kit = new TcpTestKit();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await kit.close();
});

/** Runs the command in this process until the returned `stop` aborts it. */
function run(argv: string[]): { url: Promise<string>; exitCode: Promise<number>; stop: () => Promise<number> } {
  const controller = new AbortController();
  const lines: string[] = [];
  let announce!: (url: string) => void;
  const url = new Promise<string>((resolve) => (announce = resolve));
  const exitCode = runToxiproxyCommand(argv, {
    signal: controller.signal,
    log: (line) => {
      lines.push(line);
      const match = /listening on (\S+)/.exec(line);
      if (match?.[1]) announce(match[1]);
    },
  });
  const stop = async () => {
    controller.abort();
    return exitCode;
  };
  cleanups.push(async () => void (await stop()));
  return { url, exitCode, stop };
}

describe("runToxiproxyCommand", () => {
  it("serves the API on --listen until stopped, then refuses connections", async () => {
    const command = run(["--listen", "127.0.0.1:0"]);
    const api = new ToxiproxyApi(await command.url);
    expect(await api.version()).toMatch(/^2\./);
    expect(await command.stop()).toBe(0);
    await expect(api.version()).rejects.toThrow(/cannot reach Toxiproxy/);
  });

  it("creates the proxies of a --config file at start", async () => {
    const dir = await mkdtemp(join(tmpdir(), "toxiproxy-cli-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const config = join(dir, "proxies.json");
    await writeFile(config, JSON.stringify([{ name: "db", listen: "127.0.0.1:0", upstream: await kit.echoServer() }]));
    const command = run(["--listen", "127.0.0.1:0", "--config", config]);
    const proxies = await new ToxiproxyApi(await command.url).listProxies();
    expect(Object.keys(proxies)).toEqual(["db"]);
  });

  it("exits 2 on bad arguments", async () => {
    expect(await runToxiproxyCommand(["--listen", "nowhere"])).toBe(2);
    expect(await runToxiproxyCommand(["--bogus"])).toBe(2);
  });

  it("stops cleanly on SIGTERM when run as a process", async () => {
    const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
    const script = `import { runToxiproxyCommand } from ${JSON.stringify(cli)};
      process.exitCode = await runToxiproxyCommand(["--listen", "127.0.0.1:0"]);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(async () => void child.kill("SIGKILL"));
    let output = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (data: Buffer) => {
        output += data.toString();
        const match = /listening on (\S+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      child.once("exit", () => reject(new Error(`exited before listening: ${output}`)));
    });
    expect(await new ToxiproxyApi(url).version()).toMatch(/^2\./);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("stopped");
  });
});
