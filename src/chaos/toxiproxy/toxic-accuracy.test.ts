/**
 * Each toxic does what it says, measured from the outside: round trips
 * through a local echo server, throughput into a sink, bytes and closes seen
 * by the client.
 */
import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SocketReader, TcpTestKit, type ReadResult } from "./tcp-test-kit.ts";
import type { ToxicSpec } from "./toxic-spec.ts";
import type { ToxiproxyApi } from "./toxiproxy-api.ts";
import { startToxiproxyServer, type StartedToxiproxyServer } from "./toxiproxy-server.ts";

/** Timer and scheduling slack allowed on top of a toxic's own tolerance. */
const SLACK_MS = 10;
/**
 * Upper slack for one-shot timings (a close, a reset), where no median can
 * absorb a busy machine: still far below the doubled delay a bug would show.
 */
const ONE_SHOT_SLACK_MS = 150;
const log = process.env["TOXIPROXY_ACCURACY_LOG"] ? console.log : () => {};

let server: StartedToxiproxyServer;
let api: ToxiproxyApi;
let kit: TcpTestKit;
let proxyCount = 0;

beforeAll(async () => {
  server = await startToxiproxyServer({ port: 0 });
  api = server.api();
});

afterEach(async () => {
  await kit?.close();
  for (const name of Object.keys(await api.listProxies())) await api.deleteProxy(name);
});

afterAll(async () => {
  await server?.stop();
});

async function proxyTo(upstream: string, toxics: ToxicSpec[] = []): Promise<{ name: string; listen: string }> {
  const name = `p${++proxyCount}`;
  const { listen } = await api.createProxy({ name, listen: "127.0.0.1:0", upstream });
  for (const toxic of toxics) await api.addToxic(name, toxic);
  return { name, listen };
}

async function roundTrip(socket: Socket, reader: SocketReader): Promise<number> {
  const payload = randomBytes(32);
  const started = performance.now();
  socket.write(payload);
  expect(await reader.read(payload.length, 5_000)).toEqual(payload);
  return performance.now() - started;
}

async function echoClient(address: string): Promise<{ socket: Socket; reader: SocketReader; rtt: () => Promise<number> }> {
  const socket = await kit.connect(address);
  const reader = new SocketReader(socket);
  return { socket, reader, rtt: () => roundTrip(socket, reader) };
}

/**
 * `count` samples, fastest first. A busy machine can only make a sample
 * slower, so the fastest one measures the toxic itself and the rest bound it
 * from below.
 */
async function samplesOf(count: number, sample: () => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await sample());
  return samples.sort((a, b) => a - b);
}

const fastest = async (count: number, sample: () => Promise<number>) => (await samplesOf(count, sample))[0] ?? Number.NaN;

async function baselineRtt(echo: string): Promise<number> {
  const direct = await echoClient(echo);
  return fastest(5, direct.rtt);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("toxic accuracy", () => {
  it("latency adds the requested delay to a round trip, within jitter + 10 ms (fastest of 7)", async () => {
    kit = new TcpTestKit();
    const echo = await kit.echoServer();
    const baseline = await baselineRtt(echo);
    const steady = await proxyTo(echo, [{ type: "latency", attributes: { latency: 100 } }]);
    const jittery = await proxyTo(echo, [{ type: "latency", stream: "upstream", attributes: { latency: 60, jitter: 20 } }]);
    for (const [proxy, latency, jitter] of [
      [steady, 100, 0],
      [jittery, 60, 20],
    ] as const) {
      const client = await echoClient(proxy.listen);
      const added = (await samplesOf(7, client.rtt)).map((rtt) => rtt - baseline);
      log(`latency ${latency}±${jitter} ms: added ${added.map((ms) => ms.toFixed(1)).join(", ")} ms`);
      for (const sample of added) expect(sample).toBeGreaterThanOrEqual(latency - jitter - 1);
      expect(added[0]).toBeLessThanOrEqual(latency + jitter + SLACK_MS);
    }
  });

  it("bandwidth holds throughput within ±15% of the rate, in both directions", async () => {
    kit = new TcpTestKit();
    let sunk!: (result: ReadResult) => void;
    const received = new Promise<ReadResult>((resolve) => (sunk = resolve));
    const sink = await kit.sinkServer(sunk);
    const up = await proxyTo(sink, [{ type: "bandwidth", stream: "upstream", attributes: { rate: 100 } }]);
    const payload = randomBytes(200_000);
    const client = await kit.connect(up.listen);
    const started = performance.now();
    client.end(payload);
    const upload = await received;
    const uploadRate = payload.length / (upload.endedAt - started); // bytes/ms = KB/s
    log(`bandwidth 100 KB/s upstream: ${uploadRate.toFixed(1)} KB/s`);
    expect(upload.data.equals(payload)).toBe(true);
    expect(uploadRate).toBeGreaterThan(85);
    expect(uploadRate).toBeLessThan(115);

    const blob = await kit.blobServer(payload);
    const down = await proxyTo(blob, [{ type: "bandwidth", attributes: { rate: 250 } }]);
    const reader = new SocketReader(await kit.connect(down.listen));
    const downloadStarted = performance.now();
    const download = await reader.untilEnd(10_000);
    const downloadRate = payload.length / (download.endedAt - downloadStarted);
    log(`bandwidth 250 KB/s downstream: ${downloadRate.toFixed(1)} KB/s`);
    expect(download.data.equals(payload)).toBe(true);
    expect(downloadRate).toBeGreaterThan(250 * 0.85);
    expect(downloadRate).toBeLessThan(250 * 1.15);
  });

  it("limit_data lets exactly that many bytes through, then closes the connection", async () => {
    kit = new TcpTestKit();
    const payload = randomBytes(10_000);
    const down = await proxyTo(await kit.blobServer(payload), [{ type: "limit_data", attributes: { bytes: 4096 } }]);
    const downloaded = await new SocketReader(await kit.connect(down.listen)).untilEnd(5_000);
    expect(downloaded.error).toBeUndefined();
    expect(downloaded.data.equals(payload.subarray(0, 4096))).toBe(true);

    let sunk!: (result: ReadResult) => void;
    const received = new Promise<ReadResult>((resolve) => (sunk = resolve));
    const up = await proxyTo(await kit.sinkServer(sunk), [{ type: "limit_data", stream: "upstream", attributes: { bytes: 3000 } }]);
    const client = await kit.connect(up.listen);
    const clientEnd = new SocketReader(client);
    client.write(payload);
    expect((await received).data.equals(payload.subarray(0, 3000))).toBe(true);
    await clientEnd.untilEnd(5_000);
  });

  it("timeout 0 holds data on an open connection until the toxic is removed, then it flows", async () => {
    kit = new TcpTestKit();
    const proxy = await proxyTo(await kit.echoServer());
    const client = await echoClient(proxy.listen);
    await client.rtt();
    await api.addToxic(proxy.name, { name: "stall", type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
    const before = client.reader.received;
    client.socket.write("held back");
    await sleep(300);
    expect(client.reader.received).toBe(before);
    expect(client.reader.endedAt).toBeUndefined();
    await api.removeToxic(proxy.name, "stall");
    expect((await client.reader.read(9, 1_000)).toString()).toBe("held back");
  });

  it("timeout > 0 closes the connection after that many ms, letting nothing through", async () => {
    kit = new TcpTestKit();
    const proxy = await proxyTo(await kit.echoServer(), [{ type: "timeout", attributes: { timeout: 200 } }]);
    // The toxic's clock starts when the proxy accepts, which can be before the client sees `connect`.
    const started = performance.now();
    const client = await echoClient(proxy.listen);
    client.socket.write("lost");
    const result = await client.reader.untilEnd(2_000);
    const elapsed = result.endedAt - started;
    log(`timeout 200 ms: closed after ${elapsed.toFixed(1)} ms`);
    expect(result.data.length).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(200 - 1);
    expect(elapsed).toBeLessThan(200 + ONE_SHOT_SLACK_MS);
  });

  it("reset_peer makes the client see ECONNRESET after its timeout", async () => {
    kit = new TcpTestKit();
    const proxy = await proxyTo(await kit.blobServer(randomBytes(1000)), [{ type: "reset_peer", attributes: { timeout: 100 } }]);
    // Timed from before connecting: the toxic's clock may start before the client sees `connect`.
    const started = performance.now();
    const reader = new SocketReader(await kit.connect(proxy.listen));
    const result = await reader.untilEnd(2_000);
    log(`reset_peer 100 ms: reset after ${(result.endedAt - started).toFixed(1)} ms`);
    expect(result.error?.code).toBe("ECONNRESET");
    expect(result.data.length).toBe(0);
    expect(result.endedAt - started).toBeGreaterThanOrEqual(100 - 1);

    const upstreamReset = await proxyTo(await kit.echoServer(), [{ type: "reset_peer", stream: "upstream" }]);
    const client = await echoClient(upstreamReset.listen);
    client.socket.write("boom");
    expect((await client.reader.untilEnd(2_000)).error?.code).toBe("ECONNRESET");
  });

  it("slicer delivers the data intact in many small, spaced chunks", async () => {
    kit = new TcpTestKit();
    const payload = randomBytes(3000);
    const proxy = await proxyTo(await kit.blobServer(payload), [{ type: "slicer", attributes: { average_size: 100, size_variation: 20, delay: 5_000 } }]);
    const started = performance.now();
    const reader = new SocketReader(await kit.connect(proxy.listen));
    const result = await reader.untilEnd(5_000);
    log(`slicer 100±20 B every 5000 µs: ${result.chunks} chunks in ${(result.endedAt - started).toFixed(1)} ms`);
    expect(result.data.equals(payload)).toBe(true);
    expect(result.chunks).toBeGreaterThanOrEqual(15);
    // About 30 slices, 5 ms apart; the ±20 B variation leaves at least 25.
    expect(result.endedAt - started).toBeGreaterThanOrEqual(24 * 5 - 1);
  });

  it("slow_close holds back the close, not the data", async () => {
    kit = new TcpTestKit();
    const payload = randomBytes(100);
    const proxy = await proxyTo(await kit.blobServer(payload), [{ type: "slow_close", attributes: { delay: 300 } }]);
    const started = performance.now();
    const reader = new SocketReader(await kit.connect(proxy.listen));
    const result = await reader.untilEnd(2_000);
    const dataAfter = (reader.firstDataAt ?? Number.NaN) - started;
    const closedAfter = result.endedAt - started;
    log(`slow_close 300 ms: data after ${dataAfter.toFixed(1)} ms, close after ${closedAfter.toFixed(1)} ms`);
    expect(result.data.equals(payload)).toBe(true);
    expect(dataAfter).toBeLessThan(300);
    expect(closedAfter).toBeGreaterThanOrEqual(300 - 1);
    expect(closedAfter).toBeLessThan(300 + ONE_SHOT_SLACK_MS);
  });

  it("toxicity 0 never applies the toxic; toxicity 1 always does", async () => {
    kit = new TcpTestKit();
    const echo = await kit.echoServer();
    const never = await proxyTo(echo, [{ type: "latency", toxicity: 0, attributes: { latency: 200 } }]);
    const always = await proxyTo(echo, [{ type: "latency", toxicity: 1, attributes: { latency: 200 } }]);
    // 150 ms: far below the toxic's 200 ms, far above any scheduling hiccup.
    for (let i = 0; i < 10; i++) expect(await (await echoClient(never.listen)).rtt()).toBeLessThan(150);
    for (let i = 0; i < 3; i++) expect(await (await echoClient(always.listen)).rtt()).toBeGreaterThanOrEqual(200 - 1);
  });
});

describe("toxics on open connections", () => {
  it("adding, updating and removing a toxic affects an already open connection at once", async () => {
    kit = new TcpTestKit();
    const proxy = await proxyTo(await kit.echoServer());
    const client = await echoClient(proxy.listen);
    expect(await fastest(3, client.rtt)).toBeLessThan(30);

    await api.addToxic(proxy.name, { name: "lag", type: "latency", attributes: { latency: 150 } });
    expect(Math.abs((await fastest(3, client.rtt)) - 150)).toBeLessThanOrEqual(SLACK_MS);

    await api.updateToxic(proxy.name, "lag", { type: "latency", attributes: { latency: 60 } });
    expect(Math.abs((await fastest(3, client.rtt)) - 60)).toBeLessThanOrEqual(SLACK_MS);

    await api.removeToxic(proxy.name, "lag");
    expect(await fastest(3, client.rtt)).toBeLessThan(30);
  });

  it("removing a latency toxic releases data it was holding at once", async () => {
    kit = new TcpTestKit();
    const proxy = await proxyTo(await kit.echoServer(), [{ name: "long", type: "latency", attributes: { latency: 10_000 } }]);
    const client = await echoClient(proxy.listen);
    client.socket.write("waiting");
    await sleep(100);
    const removedAt = performance.now();
    await api.removeToxic(proxy.name, "long");
    expect((await client.reader.read(7, 1_000)).toString()).toBe("waiting");
    // The toxic would have held it 10 s; the removal request itself takes a few ms.
    expect(performance.now() - removedAt).toBeLessThan(1_000);
  });
});
