/**
 * `chaos-control toxiproxy --listen host:port [--config proxies.json]`: runs
 * the Toxiproxy-compatible server until SIGINT/SIGTERM, like
 * `toxiproxy-server -host -port -config`.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ToxiproxyApiError } from "./errors.ts";
import { parseHostPort } from "./host-port.ts";
import { startToxiproxyServer, TOXIPROXY_DEFAULT_PORT } from "./toxiproxy-server.ts";

export const TOXIPROXY_USAGE = `Usage: chaos-control toxiproxy [options]

Runs a Toxiproxy 2.x-compatible server (HTTP API and TCP proxies).

  --listen HOST:PORT   where the HTTP API listens (default 127.0.0.1:${TOXIPROXY_DEFAULT_PORT}; port 0 = free port)
  --config FILE        JSON array of proxies to create at start, as POST /populate takes
  --help               this text

Stops cleanly on SIGINT or SIGTERM.
`;

export interface ToxiproxyCommandOptions {
  /** Stops the server when aborted (besides SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Where status lines go; default stdout. */
  log?: (line: string) => void;
}

/** Runs until a signal; resolves to the process exit code (0 clean, 1 failed, 2 usage). */
export async function runToxiproxyCommand(argv: string[], options: ToxiproxyCommandOptions = {}): Promise<number> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  let listen: { host: string; port: number };
  let config: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { listen: { type: "string" }, config: { type: "string" }, help: { type: "boolean" } },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(TOXIPROXY_USAGE);
      return 0;
    }
    listen = parseHostPort(values.listen ?? `127.0.0.1:${TOXIPROXY_DEFAULT_PORT}`, "--listen", { allowPortZero: true });
    config = values.config;
  } catch (error) {
    const message = error instanceof ToxiproxyApiError ? error.message.replace(/^bad request body: /, "") : String((error as Error).message);
    process.stderr.write(`chaos-control toxiproxy: ${message}\n\n${TOXIPROXY_USAGE}`);
    return 2;
  }

  let server;
  try {
    server = await startToxiproxyServer({ host: listen.host || "0.0.0.0", port: listen.port });
  } catch (error) {
    process.stderr.write(`chaos-control toxiproxy: cannot listen on --listen: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    if (config !== undefined) {
      const proxies = await server.api().populate(JSON.parse(await readFile(config, "utf8")));
      log(`populated ${proxies.length} proxies from ${config}`);
    }
    log(`Toxiproxy-compatible API listening on ${server.url}`);
    await untilStopped(options.signal);
    return 0;
  } catch (error) {
    process.stderr.write(`chaos-control toxiproxy: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await server.stop();
    log("stopped");
  }
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
    if (signal?.aborted) done();
    else signal?.addEventListener("abort", done, { once: true });
  });
}
