/**
 * The proxy engine as a client sees it: enabling and disabling, address
 * changes, half-closes, dead upstreams, byte integrity while toxics change
 * under a running transfer, and a full stop.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closedWithin, SocketReader, TcpTestKit } from "./tcp-test-kit.ts";
import type { ToxiproxyApi } from "./toxiproxy-api.ts";
import { startToxiproxyServer, type StartedToxiproxyServer } from "./toxiproxy-server.ts";

let server: StartedToxiproxyServer;
let api: ToxiproxyApi;
let kit: TcpTestKit;

beforeAll(async () => {
  server = await startToxiproxyServer({ port: 0 });
  api = server.api();
});

beforeEach(() => {
  kit = new TcpTestKit();
});

afterEach(async () => {
  await kit.close();
  for (const name of Object.keys(await api.listProxies())) await api.deleteProxy(name);
});

afterAll(async () => {
  await server?.stop();
});

async function echoes(listen: string, message = "ping"): Promise<boolean> {
  const socket = await kit.connect(listen);
  const reader = new SocketReader(socket);
  socket.write(message);
  const reply = await reader.read(message.length, 2_000);
  socket.destroy();
  return reply.toString() === message;
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe("tcp proxy", () => {
  it("disabling closes open connections and refuses new ones; enabling listens on the same address", async () => {
    const { listen } = await api.createProxy({ name: "db", listen: "127.0.0.1:0", upstream: await kit.echoServer() });
    const open = await kit.connect(listen);
    await api.updateProxy("db", { enabled: false });
    expect(await closedWithin(open, 1_000)).toBeLessThan(1_000);
    await expect(kit.connect(listen)).rejects.toMatchObject({ code: "ECONNREFUSED" });

    const restored = await api.updateProxy("db", { enabled: true });
    expect(restored.listen).toBe(listen);
    expect(await echoes(listen)).toBe(true);
  });

  it("moving listen or upstream restarts the proxy on the new addresses", async () => {
    const first = await kit.echoServer();
    const second = await kit.server((socket) => socket.end("second"));
    const { listen } = await api.createProxy({ name: "moving", listen: "127.0.0.1:0", upstream: first });
    const moved = await api.updateProxy("moving", { listen: "127.0.0.1:0", upstream: second });
    expect(moved.listen).not.toBe(listen);
    await expect(kit.connect(listen)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    const result = await new SocketReader(await kit.connect(moved.listen)).untilEnd(2_000);
    expect(result.data.toString()).toBe("second");
  });

  it("passes a client's half-close on and still delivers the whole reply", async () => {
    const reply = randomBytes(300_000);
    const upstream = await kit.server((socket) => {
      socket.resume();
      socket.once("end", () => socket.end(reply));
    });
    const { listen } = await api.createProxy({ name: "half", listen: "127.0.0.1:0", upstream });
    const client = await kit.connect(listen);
    const reader = new SocketReader(client);
    client.end("request");
    const result = await reader.untilEnd(5_000);
    expect(result.error).toBeUndefined();
    expect(sha256(result.data)).toBe(sha256(reply));
  });

  it("closes the client when the upstream refuses the connection", async () => {
    const dead = await kit.echoServer();
    await kit.close();
    kit = new TcpTestKit();
    const { listen } = await api.createProxy({ name: "dead", listen: "127.0.0.1:0", upstream: dead });
    const client = await kit.connect(listen);
    expect(await closedWithin(client, 2_000)).toBeLessThan(2_000);
  });

  it("keeps every byte in order while toxics are added, updated and removed mid-transfer", async () => {
    const { listen } = await api.createProxy({ name: "busy", listen: "127.0.0.1:0", upstream: await kit.echoServer() });
    const payload = randomBytes(8 * 1024 * 1024);
    const client = await kit.connect(listen);
    const reader = new SocketReader(client);
    const sent = (async () => {
      for (let offset = 0; offset < payload.length; offset += 64 * 1024) {
        if (!client.write(payload.subarray(offset, offset + 64 * 1024))) {
          await new Promise((resolve) => client.once("drain", resolve));
        }
      }
    })();
    const changes = (async () => {
      const pause = () => new Promise((resolve) => setTimeout(resolve, 15));
      await api.addToxic("busy", { name: "cut", type: "slicer", stream: "upstream", attributes: { average_size: 1500, size_variation: 500 } });
      await pause();
      await api.addToxic("busy", { name: "lag", type: "latency", attributes: { latency: 5, jitter: 5 } });
      await pause();
      await api.addToxic("busy", { name: "noop", type: "noop", stream: "upstream" });
      await api.updateToxic("busy", "lag", { type: "latency", attributes: { latency: 20 } });
      await pause();
      await api.removeToxic("busy", "cut");
      await pause();
      await api.addToxic("busy", { name: "thin", type: "bandwidth", attributes: { rate: 100_000 } });
      await api.removeToxic("busy", "lag");
      await pause();
      await api.removeToxic("busy", "noop");
      await api.removeToxic("busy", "thin");
    })();
    await Promise.all([sent, changes]);
    const echoed = await reader.read(payload.length, 20_000);
    expect(sha256(echoed)).toBe(sha256(payload));
  });

  it("applies toxics added while a toxic-free connection waits for a stalled upstream, losing and reordering nothing", async () => {
    let resumeUpstream: (() => void) | undefined;
    const upstream = await kit.server((socket) => {
      // An echo that reads nothing until told: the proxy's writes to it back up.
      resumeUpstream = () => socket.pipe(socket);
    });
    const { listen } = await api.createProxy({ name: "stalled", listen: "127.0.0.1:0", upstream });
    const client = await kit.connect(listen);
    const reader = new SocketReader(client);
    const sentChunks: Buffer[] = [];
    const send = async (chunk: Buffer, waitMs: number): Promise<boolean> => {
      sentChunks.push(chunk);
      if (client.write(chunk)) return true;
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), waitMs);
        client.once("drain", () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    };
    // Fill every buffer on the way (socket buffers grow to tens of MB here) until the client's writes stop draining.
    let stalled = false;
    while (!stalled && sentChunks.length < 4096) stalled = !(await send(randomBytes(64 * 1024), 300));
    expect(stalled).toBe(true);

    // Long enough that a loaded machine alone cannot delay the first echo as much.
    const LATENCY_MS = 1_000;
    await api.addToxic("stalled", { name: "cut", type: "slicer", stream: "upstream", attributes: { average_size: 4096, size_variation: 1024 } });
    await api.addToxic("stalled", { name: "lag", type: "latency", stream: "downstream", attributes: { latency: LATENCY_MS } });
    const resumedAt = performance.now();
    resumeUpstream?.();
    for (let i = 0; i < 16; i++) await send(randomBytes(64 * 1024), 30_000);
    const payload = Buffer.concat(sentChunks);
    const echoed = await reader.read(payload.length, 30_000);
    expect(sha256(echoed)).toBe(sha256(payload));
    // Even the bytes that were waiting before the toxics came reach the client through the new latency.
    expect((reader.firstDataAt ?? 0) - resumedAt).toBeGreaterThanOrEqual(LATENCY_MS - 1);
  });

  it("stop() closes the API, every listener and every connection, and can be called twice", async () => {
    const own = await startToxiproxyServer({ port: 0 });
    const ownApi = own.api();
    const { listen } = await ownApi.createProxy({ name: "x", listen: "127.0.0.1:0", upstream: await kit.echoServer() });
    await ownApi.addToxic("x", { type: "latency", attributes: { latency: 60_000 } });
    const client = await kit.connect(listen);
    client.write("stuck in a long latency");
    await own.stop();
    await own[Symbol.asyncDispose]();
    expect(await closedWithin(client, 1_000)).toBeLessThan(1_000);
    await expect(kit.connect(listen)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await expect(ownApi.version()).rejects.toThrow(/cannot reach Toxiproxy/);
  });

  it("reports an address already in use as a 500 naming listen, as Toxiproxy does", async () => {
    const taken = await kit.echoServer();
    await expect(api.createProxy({ name: "clash", listen: taken, upstream: taken })).rejects.toMatchObject({
      status: 500,
      message: expect.stringMatching(/^listen tcp 127\.0\.0\.1:\d+: EADDRINUSE/),
    });
    expect(await api.listProxies()).toEqual({});
  });
});
