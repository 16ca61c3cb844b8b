/**
 * What the proxy bench measures on one path (direct, or through a proxy),
 * each on fresh connections to the bench servers: one-connection upload and
 * download rates, the request rate of many concurrent connections, and the
 * round trips of one connection.
 */
import type { Socket } from "node:net";
import { readToEnd, type TcpTestKit } from "../../src/chaos/toxiproxy/testing/index.ts";
import type { BenchServerAddresses } from "./bench-servers.ts";
import { cpuMsOf } from "./process-cpu.ts";

export interface WorkloadOptions {
  /** Bytes sent in each direction of the bulk transfers. */
  bulkBytes: number;
  /** Measured round trips on one connection (after a warm-up). */
  roundTrips: number;
  /** Size of each request and response, bytes. */
  messageBytes: number;
  /** Concurrent connections of the request-rate workload. */
  connections: number;
  /** Requests each of those connections sends, one after the other. */
  requestsPerConnection: number;
}

/** One path's figures. */
export interface PathMeasurement {
  /** Client -> server on one connection, MB/s (10^6 bytes per second). */
  uploadMBps: number;
  /** Server -> client on one connection, MB/s. */
  downloadMBps: number;
  /** Request/response pairs per second over `connections` concurrent connections. */
  requestsPerSecond: number;
  /** Median round trip on one connection, microseconds. */
  rttMedianUs: number;
  /** 99th percentile round trip, microseconds. */
  rttP99Us: number;
  /** CPU the proxy process used for the upload, ms per 100 MB; NaN on the direct path. */
  uploadCpuMsPer100MB: number;
  /** CPU the proxy process used for the download, ms per 100 MB. */
  downloadCpuMsPer100MB: number;
  /** CPU the proxy process used for the request-rate workload, ms per 1000 requests. */
  requestCpuMsPer1000: number;
}

const WRITE_CHUNK_BYTES = 64 * 1024;
const WARMUP_ROUND_TRIPS = 200;
const BULK_TIMEOUT_MS = 120_000;

/**
 * Measures every workload once on the path whose servers are at `servers`;
 * `proxyPid` is the process in between (none on the direct path), whose CPU
 * time each workload costs is read around it.
 */
export async function measurePath(kit: TcpTestKit, servers: BenchServerAddresses, options: WorkloadOptions, proxyPid?: number): Promise<PathMeasurement> {
  const cpu = (): number => (proxyPid === undefined ? Number.NaN : cpuMsOf(proxyPid));
  let cpuBefore = cpu();
  const cpuSpent = (): number => {
    const now = cpu();
    const spent = now - cpuBefore;
    cpuBefore = now;
    return spent;
  };
  const uploadSeconds = await upload(await kit.connect(servers.sink), options.bulkBytes);
  const uploadCpuMs = cpuSpent();
  const downloadSeconds = await download(await kit.connect(servers.source), options.bulkBytes);
  const downloadCpuMs = cpuSpent();
  const sockets = await Promise.all(Array.from({ length: options.connections }, () => kit.connect(servers.echo)));
  cpuSpent();
  const requests = options.connections * options.requestsPerConnection;
  const requestsPerSecond = await requestRate(sockets, options.requestsPerConnection, options.messageBytes);
  const requestCpuMs = cpuSpent();
  const rtts = await roundTrips(await kit.connect(servers.echo), options.roundTrips, options.messageBytes);
  return {
    uploadMBps: options.bulkBytes / 1e6 / uploadSeconds,
    downloadMBps: options.bulkBytes / 1e6 / downloadSeconds,
    requestsPerSecond,
    rttMedianUs: percentile(rtts, 0.5) * 1000,
    rttP99Us: percentile(rtts, 0.99) * 1000,
    uploadCpuMsPer100MB: (uploadCpuMs * 1e8) / options.bulkBytes,
    downloadCpuMsPer100MB: (downloadCpuMs * 1e8) / options.bulkBytes,
    requestCpuMsPer1000: (requestCpuMs * 1000) / requests,
  };
}

/** The best of several rounds of one path, figure by figure. */
export function bestOf(rounds: PathMeasurement[]): PathMeasurement {
  const max = (pick: (each: PathMeasurement) => number) => Math.max(...rounds.map(pick));
  const min = (pick: (each: PathMeasurement) => number) => Math.min(...rounds.map(pick));
  return {
    uploadMBps: max((each) => each.uploadMBps),
    downloadMBps: max((each) => each.downloadMBps),
    requestsPerSecond: max((each) => each.requestsPerSecond),
    rttMedianUs: min((each) => each.rttMedianUs),
    rttP99Us: min((each) => each.rttP99Us),
    uploadCpuMsPer100MB: min((each) => each.uploadCpuMsPer100MB),
    downloadCpuMsPer100MB: min((each) => each.downloadCpuMsPer100MB),
    requestCpuMsPer1000: min((each) => each.requestCpuMsPer1000),
  };
}

/** Announces and sends `bytes`; resolves with the seconds until the sink confirms it read them all. */
async function upload(socket: Socket, bytes: number): Promise<number> {
  const chunk = Buffer.alloc(WRITE_CHUNK_BYTES, 0x5a);
  const reply = readToEnd(socket, BULK_TIMEOUT_MS);
  const started = performance.now();
  socket.write(`${bytes}\n`);
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    const part = sent + chunk.length <= bytes ? chunk : chunk.subarray(0, bytes - sent);
    if (!socket.write(part)) await new Promise((resolve) => socket.once("drain", resolve));
  }
  const { data, endedAt } = await reply;
  socket.end();
  if (Number(data.toString()) !== bytes) throw new Error(`upload lost data: the sink read ${data.toString() || "nothing"} of ${bytes} bytes`);
  return (endedAt - started) / 1000;
}

/** Asks the source for `bytes` and resolves with the seconds until all of them arrived. */
function download(socket: Socket, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const timer = setTimeout(() => reject(new Error(`download: ${received} of ${bytes} bytes after ${BULK_TIMEOUT_MS} ms`)), BULK_TIMEOUT_MS);
    socket.on("data", (data: Buffer) => {
      received += data.length;
      if (received < bytes) return;
      const seconds = (performance.now() - started) / 1000;
      clearTimeout(timer);
      socket.end();
      if (received === bytes) resolve(seconds);
      else reject(new Error(`download: received ${received} bytes, more than the ${bytes} asked for`));
    });
    socket.once("close", () => reject(new Error(`download: connection closed after ${received} of ${bytes} bytes`)));
    const started = performance.now();
    socket.write(`${bytes}\n`);
  });
}

/** Requests per second while every socket sends `count` requests, one at a time, after one warm-up each. */
async function requestRate(sockets: Socket[], count: number, size: number): Promise<number> {
  const exchanges = sockets.map((socket) => new Exchange(socket, size));
  await Promise.all(exchanges.map((exchange) => exchange.request()));
  const started = performance.now();
  await Promise.all(
    exchanges.map(async (exchange) => {
      for (let i = 0; i < count; i++) await exchange.request();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const socket of sockets) socket.end();
  return (sockets.length * count) / seconds;
}

/** Round-trip times (ms) of `count` requests of `size` bytes, after a warm-up. */
async function roundTrips(socket: Socket, count: number, size: number): Promise<number[]> {
  const exchange = new Exchange(socket, size);
  const times: number[] = [];
  for (let i = 0; i < WARMUP_ROUND_TRIPS + count; i++) {
    const started = performance.now();
    await exchange.request();
    if (i >= WARMUP_ROUND_TRIPS) times.push(performance.now() - started);
  }
  socket.end();
  return times;
}

/** One request of `size` bytes to an echo server at a time, done when all of it came back. */
class Exchange {
  private readonly message: Buffer;
  private pending = 0;
  private answered: (() => void) | undefined;
  private failed: ((error: Error) => void) | undefined;

  constructor(
    private readonly socket: Socket,
    size: number,
  ) {
    this.message = Buffer.alloc(size, 0x61);
    socket.on("data", (data: Buffer) => {
      this.pending -= data.length;
      if (this.pending <= 0) this.answered?.();
    });
    socket.once("close", () => this.failed?.(new Error(`connection closed with ${this.pending} bytes of an answer missing`)));
  }

  request(): Promise<void> {
    this.pending = this.message.length;
    const done = new Promise<void>((resolve, reject) => {
      this.answered = resolve;
      this.failed = reject;
    });
    this.socket.write(this.message);
    return done;
  }
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}
