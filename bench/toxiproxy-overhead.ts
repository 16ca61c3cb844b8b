/**
 * What the Toxiproxy-compatible proxy costs with no toxics: bulk throughput
 * and small request/response round trips, direct vs through a proxy, in one
 * run. Client, servers and proxy run in three processes, as they would in a
 * scenario (the proxy started through `chaos-control toxiproxy`'s command
 * function), so "direct" is client -> server and "proxied" adds one hop.
 *
 *   node --import tsx bench/toxiproxy-overhead.ts [--bulk-mb 200] [--round-trips 2000] [--rounds 3]
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ToxiproxyApi } from "../src/chaos/toxiproxy/index.ts";
import { readToEnd, TcpTestKit } from "../src/chaos/toxiproxy/testing/index.ts";

export interface ToxiproxyOverheadOptions {
  /** Bytes sent in the bulk transfer; default 200 MB. */
  bulkBytes?: number;
  /** Measured request/response round trips (after a warm-up); default 2000. */
  roundTrips?: number;
  /** Size of each request and response, bytes; default 64. */
  messageBytes?: number;
  /**
   * Rounds of direct + proxied measurements, interleaved; the best of each
   * is reported, so a neighbour's burst of CPU use does not decide the ratio. Default 3.
   */
  rounds?: number;
}

export interface PathMeasurement {
  /** Bulk transfer rate, MB/s (10^6 bytes per second). */
  throughputMBps: number;
  /** Median round trip, microseconds. */
  rttMedianUs: number;
  /** 99th percentile round trip, microseconds. */
  rttP99Us: number;
}

export interface ToxiproxyOverheadResult {
  options: Required<ToxiproxyOverheadOptions>;
  direct: PathMeasurement;
  proxied: PathMeasurement;
}

const WRITE_CHUNK_BYTES = 64 * 1024;
const WARMUP_ROUND_TRIPS = 200;
const CHILD_START_TIMEOUT_MS = 30_000;
const BULK_TIMEOUT_MS = 120_000;

export async function runToxiproxyOverheadBench(options: ToxiproxyOverheadOptions = {}): Promise<ToxiproxyOverheadResult> {
  const resolved = { bulkBytes: 200e6, roundTrips: 2_000, messageBytes: 64, rounds: 3, ...options };
  const kit = new TcpTestKit();
  const children: { stop: () => Promise<void> }[] = [];
  try {
    const servers = await startChild(SERVERS_SCRIPT, []);
    children.push(servers);
    const proxyServer = await startChild(PROXY_SCRIPT, ["--import", "tsx"]);
    children.push(proxyServer);
    const { sink, echo } = JSON.parse(servers.firstLine) as { sink: string; echo: string };
    const api = new ToxiproxyApi(/listening on (\S+)/.exec(proxyServer.firstLine)?.[1] ?? "");
    const sinkProxy = await api.createProxy({ name: "bench_sink", listen: "127.0.0.1:0", upstream: sink });
    const echoProxy = await api.createProxy({ name: "bench_echo", listen: "127.0.0.1:0", upstream: echo });
    const measure = async (sinkAddress: string, echoAddress: string): Promise<PathMeasurement> => {
      const seconds = await bulkTransfer(await kit.connect(sinkAddress), resolved.bulkBytes);
      const rtts = await roundTrips(await kit.connect(echoAddress), resolved.roundTrips, resolved.messageBytes);
      return {
        throughputMBps: resolved.bulkBytes / 1e6 / seconds,
        rttMedianUs: percentile(rtts, 0.5) * 1000,
        rttP99Us: percentile(rtts, 0.99) * 1000,
      };
    };
    const direct: PathMeasurement[] = [];
    const proxied: PathMeasurement[] = [];
    for (let round = 0; round < resolved.rounds; round++) {
      direct.push(await measure(sink, echo));
      proxied.push(await measure(sinkProxy.listen, echoProxy.listen));
    }
    return { options: resolved, direct: best(direct), proxied: best(proxied) };
  } finally {
    await kit.close();
    for (const child of children.reverse()) await child.stop();
  }
}

/**
 * An echo server, and a sink that answers the byte count it read once the
 * client half-closes; prints their addresses as one JSON line.
 */
const SERVERS_SCRIPT = `
  import { createServer } from "node:net";
  const listen = (handler) => new Promise((resolve) => {
    const server = createServer({ allowHalfOpen: true, noDelay: true }, handler);
    server.listen(0, "127.0.0.1", () => resolve("127.0.0.1:" + server.address().port));
  });
  const sink = await listen((socket) => {
    let bytes = 0;
    socket.on("data", (data) => { bytes += data.length; });
    socket.on("end", () => socket.end(String(bytes)));
    socket.on("error", () => {});
  });
  const echo = await listen((socket) => { socket.pipe(socket); socket.on("error", () => {}); });
  console.log(JSON.stringify({ sink, echo }));
  process.once("SIGTERM", () => process.exit(0));
`;

const PROXY_SCRIPT = `
  import { runToxiproxyCommand } from ${JSON.stringify(fileURLToPath(new URL("../src/chaos/toxiproxy/cli.ts", import.meta.url)))};
  process.exitCode = await runToxiproxyCommand(["--listen", "127.0.0.1:0"]);
`;

/** Sends `bytes`, half-closes, and resolves with the seconds until the sink confirms it read them all. */
async function bulkTransfer(socket: Socket, bytes: number): Promise<number> {
  const chunk = Buffer.alloc(WRITE_CHUNK_BYTES, 0x5a);
  const reply = readToEnd(socket, BULK_TIMEOUT_MS);
  const started = performance.now();
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    const part = sent + chunk.length <= bytes ? chunk : chunk.subarray(0, bytes - sent);
    if (!socket.write(part)) await new Promise((resolve) => socket.once("drain", resolve));
  }
  socket.end();
  const { data, endedAt } = await reply;
  if (Number(data.toString()) !== bytes) throw new Error(`bulk transfer lost data: sink read ${data} of ${bytes} bytes`);
  return (endedAt - started) / 1000;
}

/** Round-trip times (ms) of `count` requests of `size` bytes, after a warm-up. */
async function roundTrips(socket: Socket, count: number, size: number): Promise<number[]> {
  const request = Buffer.alloc(size, 0x61);
  let pending = 0;
  let answered: (() => void) | undefined;
  socket.on("data", (data: Buffer) => {
    pending -= data.length;
    if (pending <= 0) answered?.();
  });
  const times: number[] = [];
  for (let i = 0; i < WARMUP_ROUND_TRIPS + count; i++) {
    const started = performance.now();
    pending = size;
    const done = new Promise<void>((resolve) => (answered = resolve));
    socket.write(request);
    await done;
    if (i >= WARMUP_ROUND_TRIPS) times.push(performance.now() - started);
  }
  socket.end();
  return times;
}

function best(measurements: PathMeasurement[]): PathMeasurement {
  return {
    throughputMBps: Math.max(...measurements.map((each) => each.throughputMBps)),
    rttMedianUs: Math.min(...measurements.map((each) => each.rttMedianUs)),
    rttP99Us: Math.min(...measurements.map((each) => each.rttP99Us)),
  };
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

/** A Node child running `script` (an ES module), once it has printed its first line. */
async function startChild(script: string, nodeOptions: string[]): Promise<{ firstLine: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [...nodeOptions, "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`child silent after ${CHILD_START_TIMEOUT_MS} ms`)), CHILD_START_TIMEOUT_MS);
    child.stdout?.on("data", (data: Buffer) => {
      output += data.toString();
      const newline = output.indexOf("\n");
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(output.slice(0, newline));
      }
    });
    void exited.then(() => reject(new Error(`child exited: ${output}`)));
  });
  return {
    firstLine,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export function formatToxiproxyOverhead(result: ToxiproxyOverheadResult): string {
  const { direct, proxied, options } = result;
  const row = (label: string, unit: string, a: number, b: number) =>
    `${label.padEnd(22)}${a.toFixed(1).padStart(10)}${b.toFixed(1).padStart(10)}  ${unit.padEnd(5)}${(b / a).toFixed(2).padStart(7)}x`;
  return [
    `Toxiproxy-compatible proxy overhead, no toxics (${options.bulkBytes / 1e6} MB bulk, ${options.roundTrips} x ${options.messageBytes} B round trips, best of ${options.rounds} rounds)`,
    `${"".padEnd(22)}${"direct".padStart(10)}${"proxied".padStart(10)}  ${"unit".padEnd(5)}${"ratio".padStart(8)}`,
    row("throughput", "MB/s", direct.throughputMBps, proxied.throughputMBps),
    row("round trip median", "µs", direct.rttMedianUs, proxied.rttMedianUs),
    row("round trip p99", "µs", direct.rttP99Us, proxied.rttP99Us),
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { "bulk-mb": { type: "string" }, "round-trips": { type: "string" }, rounds: { type: "string" } },
  });
  const result = await runToxiproxyOverheadBench({
    ...(values.rounds ? { rounds: Number(values.rounds) } : {}),
    ...(values["bulk-mb"] ? { bulkBytes: Number(values["bulk-mb"]) * 1e6 } : {}),
    ...(values["round-trips"] ? { roundTrips: Number(values["round-trips"]) } : {}),
  });
  console.log(formatToxiproxyOverhead(result));
}
