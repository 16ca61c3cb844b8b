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

/** Median of `count` samples: one late timer on a busy machine does not decide a test. */
async function medianOf(count: number, sample: () => Promise<number>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await sample());
  samples.sort((a, b) => a - b);
  return samples[Math.floor(count / 2)] ?? Number.NaN;
}

async function baselineRtt(echo: string): Promise<number> {
  const direct = await echoClient(echo);
  return medianOf(5, direct.rtt);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("toxic accuracy", () => {
  it("latency adds the requested delay to a round trip, within jitter + 10 ms", async () => {
    kit = new TcpTestKit();
    const echo = await kit.echoServer();
    const baseline = await baselineRtt(echo);
    const steady = await proxyTo(echo, [{ type: "latency", attributes: { latency: 100 } }]);
    const jittery = await proxyTo(echo, [{ type: "latency", stream: "upstream", attributes: { latency: 60, jitter: 20 } }]);
    for (const [proxy, latency, jitter] of [[steady, 100, 0], [jittery, 60, 20]] as const) {
      const client = await echoClient(proxy.listen);
      const added = await medianOf(7, async () => {
        const sample = (await client.rtt()) - baseline;
        // Load can only make a round trip slower, so the lower bound holds for every sample.
        expect(sample).toBeGreaterThanOrEqual(latency - jitter - 1);
        return sample;
      });
      log(`latency ${latency}±${jitter} ms: median added ${added.toFixed(2)} ms`);
      expect(Math.abs(added - latency)).toBeLessThanOrEqual(jitter + SLACK_MS);
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
    const client = await echoClient(proxy.listen);
    const started = performance.now();
    client.socket.write("lost");
    const result = await client.reader.untilEnd(2_000);
    const elapsed = result.endedAt - started;
    log(`timeout 200 ms: closed after ${elapsed.toFixed(1)} ms`);
    expect(result.data.length).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(200 - 1);
    expect(elapsed).toBeLessThan(200 + 50);
  });

  it("reset_peer makes the client see ECONNRESET after its timeout", async () => {
    kit = new TcpTestKit();
    const proxy = await proxyTo(await kit.blobServer(randomBytes(1000)), [{ type: "reset_peer", attributes: { timeout: 100 } }]);
    const reader = new SocketReader(await kit.connect(proxy.listen));
    const started = performance.now();
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
    const proxy = await proxyTo(await kit.blobServer(payload), [
      { type: "slicer", attributes: { average_size: 100, size_variation: 20, delay: 2_000 } },
    ]);
    const reader = new SocketReader(await kit.connect(proxy.listen));
    const result = await reader.untilEnd(5_000);
    log(`slicer 100±20 B every 2000 µs: ${result.chunks} chunks for ${payload.length} bytes`);
    expect(result.data.equals(payload)).toBe(true);
    expect(result.chunks).toBeGreaterThanOrEqual(15);
    expect(result.endedAt - (reader.firstDataAt ?? 0)).toBeGreaterThanOrEqual(25 * 2 - SLACK_MS);
  });

  it("slow_close holds back the close, not the data", async () => {
    kit = new TcpTestKit();
    const payload = randomBytes(100);
    const proxy = await proxyTo(await kit.blobServer(payload), [{ type: "slow_close", attributes: { delay: 300 } }]);
    const reader = new SocketReader(await kit.connect(proxy.listen));
    const result = await reader.untilEnd(2_000);
    const held = result.endedAt - (reader.firstDataAt ?? 0);
    log(`slow_close 300 ms: close held ${held.toFixed(1)} ms after the data`);
    expect(result.data.equals(payload)).toBe(true);
    expect(held).toBeGreaterThanOrEqual(300 - 1);
    expect(held).toBeLessThan(300 + 50);
  });

  it("toxicity 0 never applies the toxic; toxicity 1 always does", async () => {
    kit = new TcpTestKit();
    const echo = await kit.echoServer();
    const never = await proxyTo(echo, [{ type: "latency", toxicity: 0, attributes: { latency: 200 } }]);
    const always = await proxyTo(echo, [{ type: "latency", toxicity: 1, attributes: { latency: 200 } }]);
    for (let i = 0; i < 10; i++) expect(await (await echoClient(never.listen)).rtt()).toBeLessThan(50);
    for (let i = 0; i < 3; i++) expect(await (await echoClient(always.listen)).rtt()).toBeGreaterThanOrEqual(200 - 1);
  });
});

describe("toxics on open connections", () => {
  it("adding, updating and removing a toxic affects an already open connection at once", async () => {
    kit = new TcpTestKit();
    const proxy = await proxyTo(await kit.echoServer());
    const client = await echoClient(proxy.listen);
    expect(await client.rtt()).toBeLessThan(50);

    await api.addToxic(proxy.name, { name: "lag", type: "latency", attributes: { latency: 150 } });
    expect(Math.abs((await medianOf(3, client.rtt)) - 150)).toBeLessThanOrEqual(SLACK_MS);

    await api.updateToxic(proxy.name, "lag", { type: "latency", attributes: { latency: 60 } });
    expect(Math.abs((await medianOf(3, client.rtt)) - 60)).toBeLessThanOrEqual(SLACK_MS);

    await api.removeToxic(proxy.name, "lag");
    expect(await client.rtt()).toBeLessThan(50);
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
    expect(performance.now() - removedAt).toBeLessThan(100);
  });
});
