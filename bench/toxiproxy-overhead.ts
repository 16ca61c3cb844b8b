/**
 * What the Toxiproxy-compatible proxy costs with no toxics, direct vs through
 * it, in one run: one-connection upload (client -> proxy -> server) and
 * download (server -> proxy -> client), the request rate of 50 concurrent
 * connections, and one connection's round trips. With
 * `TOXIPROXY_BIN=/path/to/toxiproxy-server` the same runs through the real
 * Toxiproxy too, and the table adds our/real ratios. Client, servers and each
 * proxy run in separate processes, as they would in a scenario.
 *
 *   node --import tsx bench/toxiproxy-overhead.ts [--bulk-mb 200] [--connections 50] [--requests 200] [--round-trips 2000] [--rounds 3]
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { ToxiproxyApi } from "../src/chaos/toxiproxy/index.ts";
import { TcpTestKit } from "../src/chaos/toxiproxy/testing/index.ts";
import { startNodeScript, startOwnProxy, startToxiproxyBinary, type BenchProcess } from "./toxiproxy/bench-processes.ts";
import { BENCH_SERVERS_SCRIPT, type BenchServerAddresses } from "./toxiproxy/bench-servers.ts";
import { bestOf, measurePath, type PathMeasurement, type WorkloadOptions } from "./toxiproxy/workloads.ts";

export type { PathMeasurement } from "./toxiproxy/workloads.ts";

export interface ToxiproxyOverheadOptions extends Partial<WorkloadOptions> {
  /**
   * Rounds of every path's measurements, interleaved; the best of each figure
   * is reported, so a neighbour's burst of CPU use does not decide a ratio. Default 3.
   */
  rounds?: number;
  /** A real `toxiproxy-server` to measure as well; default `TOXIPROXY_BIN` from the environment. */
  toxiproxyBin?: string | undefined;
}

export interface ToxiproxyOverheadResult {
  options: WorkloadOptions & { rounds: number };
  direct: PathMeasurement;
  /** Through this project's proxy. */
  ours: PathMeasurement;
  /** Through the real Toxiproxy, when a binary was given. */
  real?: { binary: string; version: string; measurement: PathMeasurement };
}

export async function runToxiproxyOverheadBench(options: ToxiproxyOverheadOptions = {}): Promise<ToxiproxyOverheadResult> {
  const { rounds = 3, toxiproxyBin = process.env["TOXIPROXY_BIN"] || undefined, ...workload } = options;
  const resolved: WorkloadOptions = { bulkBytes: 200e6, roundTrips: 2_000, messageBytes: 64, connections: 50, requestsPerConnection: 200, ...workload };
  const kit = new TcpTestKit();
  const children: BenchProcess[] = [];
  try {
    const servers = await startNodeScript(BENCH_SERVERS_SCRIPT);
    children.push(servers);
    const direct = JSON.parse(servers.firstLine) as BenchServerAddresses;
    const ourProxy = await startOwnProxy();
    children.push(ourProxy);
    const paths: { name: string; servers: BenchServerAddresses; pid?: number; rounds: PathMeasurement[] }[] = [
      { name: "direct", servers: direct, rounds: [] },
      { name: "ours", servers: await proxiesFor(ourProxy.api, direct), pid: ourProxy.pid, rounds: [] },
    ];
    let real: { binary: string; version: string } | undefined;
    if (toxiproxyBin) {
      const realProxy = await startToxiproxyBinary(toxiproxyBin);
      children.push(realProxy);
      real = { binary: toxiproxyBin, version: realProxy.version };
      paths.push({ name: "real", servers: await proxiesFor(realProxy.api, direct), pid: realProxy.pid, rounds: [] });
    }
    for (let round = 0; round < rounds; round++) {
      for (const path of paths) path.rounds.push(await measurePath(kit, path.servers, resolved, path.pid));
    }
    const best = (name: string) => bestOf(paths.find((path) => path.name === name)?.rounds ?? []);
    return {
      options: { ...resolved, rounds },
      direct: best("direct"),
      ours: best("ours"),
      ...(real ? { real: { ...real, measurement: best("real") } } : {}),
    };
  } finally {
    await kit.close();
    for (const child of children.reverse()) await child.stop();
  }
}

function definedOnly<T extends object>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** A proxy in front of each bench server, on a free port. */
async function proxiesFor(api: ToxiproxyApi, servers: BenchServerAddresses): Promise<BenchServerAddresses> {
  const proxy = async (name: keyof BenchServerAddresses) =>
    (await api.createProxy({ name: `bench_${name}`, listen: "127.0.0.1:0", upstream: servers[name] })).listen;
  return { sink: await proxy("sink"), source: await proxy("source"), echo: await proxy("echo") };
}

const FIGURES: { label: string; unit: string; pick: (each: PathMeasurement) => number }[] = [
  { label: "upload, 1 connection", unit: "MB/s", pick: (each) => each.uploadMBps },
  { label: "download, 1 connection", unit: "MB/s", pick: (each) => each.downloadMBps },
  { label: "requests, N connections", unit: "req/s", pick: (each) => each.requestsPerSecond },
  { label: "round trip median", unit: "µs", pick: (each) => each.rttMedianUs },
  { label: "round trip p99", unit: "µs", pick: (each) => each.rttP99Us },
];

/** The proxy process's CPU per unit of work: steadier than the rates on a loaded machine. */
const CPU_FIGURES: { label: string; unit: string; pick: (each: PathMeasurement) => number }[] = [
  { label: "proxy CPU, upload", unit: "ms/100MB", pick: (each) => each.uploadCpuMsPer100MB },
  { label: "proxy CPU, download", unit: "ms/100MB", pick: (each) => each.downloadCpuMsPer100MB },
  { label: "proxy CPU, requests", unit: "ms/1k", pick: (each) => each.requestCpuMsPer1000 },
];

/**
 * The table: each figure direct, through our proxy and (when measured) the
 * real Toxiproxy, with ratios. A ratio is path/reference of the figure itself,
 * so for rates below 1 means slower, for times and CPU above 1 means slower or costlier.
 */
export function formatToxiproxyOverhead(result: ToxiproxyOverheadResult): string {
  const { direct, ours, real, options } = result;
  const number = (value: number) => (value >= 1000 ? value.toFixed(0) : value.toFixed(1)).padStart(10);
  const ratio = (value: number) => `${value.toFixed(2)}x`.padStart(13);
  const header = ["direct", "ours", "ours/direct", ...(real ? ["real", "real/direct", "ours/real"] : [])];
  const lines = [
    `Toxiproxy-compatible proxy, no toxics (${options.bulkBytes / 1e6} MB each way; ${options.connections} connections x ${options.requestsPerConnection} and ` +
      `${options.roundTrips} x ${options.messageBytes} B requests; best of ${options.rounds} rounds)`,
    ...(real ? [`real: ${real.binary} (version ${real.version})`] : []),
    "".padEnd(32) + header.map((cell) => cell.padStart(cell.includes("/") ? 13 : 10)).join(""),
  ];
  for (const figure of FIGURES) {
    const label = `${figure.label.replace("N connections", `${options.connections} connections`)} (${figure.unit})`.padEnd(32);
    const [d, o] = [figure.pick(direct), figure.pick(ours)];
    let line = `${label}${number(d)}${number(o)}${ratio(o / d)}`;
    if (real) {
      const r = figure.pick(real.measurement);
      line += `${number(r)}${ratio(r / d)}${ratio(o / r)}`;
    }
    lines.push(line);
  }
  for (const figure of CPU_FIGURES) {
    const o = figure.pick(ours);
    if (Number.isNaN(o)) continue;
    let line = `${`${figure.label} (${figure.unit})`.padEnd(32)}${"-".padStart(10)}${number(o)}${"".padStart(13)}`;
    if (real) {
      const r = figure.pick(real.measurement);
      line += `${number(r)}${"".padStart(13)}${ratio(o / r)}`;
    }
    lines.push(line);
  }
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      "bulk-mb": { type: "string" },
      connections: { type: "string" },
      requests: { type: "string" },
      "round-trips": { type: "string" },
      rounds: { type: "string" },
    },
  });
  const count = (flag: keyof typeof values): number | undefined => {
    const text = values[flag];
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!(value > 0)) throw new Error(`--${flag} must be a positive number, got ${JSON.stringify(text)}`);
    return value;
  };
  const bulkMB = count("bulk-mb");
  const result = await runToxiproxyOverheadBench({
    ...(bulkMB !== undefined ? { bulkBytes: Math.round(bulkMB * 1e6) } : {}),
    ...definedOnly({ rounds: count("rounds"), connections: count("connections"), requestsPerConnection: count("requests"), roundTrips: count("round-trips") }),
  });
  console.log(formatToxiproxyOverhead(result));
}
