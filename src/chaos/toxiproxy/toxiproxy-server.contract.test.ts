/**
 * Contract: toxiproxy-node-client, written against the real Toxiproxy, works
 * unchanged against this server through every endpoint and toxic type.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Toxiproxy, ToxiproxyError, type Proxy } from "toxiproxy-node-client";
import { startToxiproxyServer, type StartedToxiproxyServer } from "./toxiproxy-server.ts";
import { SocketReader, TcpTestKit } from "./tcp-test-kit.ts";

let server: StartedToxiproxyServer;
let client: Toxiproxy;
let echo: string;
const kit = new TcpTestKit();

beforeAll(async () => {
  server = await startToxiproxyServer({ host: "127.0.0.1", port: 0 });
  client = new Toxiproxy(server.url);
  echo = await kit.echoServer();
});

afterEach(async () => {
  for (const proxy of Object.values(await client.getAll())) await proxy.remove();
});

afterAll(async () => {
  await server?.stop();
  await kit.close();
});

async function statusOf(request: Promise<unknown>): Promise<number> {
  const error = await request.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ToxiproxyError);
  return Number(/status code (\d+)/.exec((error as Error).message)?.[1]);
}

async function toxicsOf(proxy: string): Promise<unknown[]> {
  const response = await client.getApi().get<{ toxics: unknown[] }>(`${server.url}/proxies/${proxy}`);
  return response.data.toxics;
}

async function echoes(listen: string): Promise<boolean> {
  const socket = await kit.connect(listen);
  const reader = new SocketReader(socket);
  socket.write("ping");
  const reply = await reader.read(4, 2_000);
  socket.destroy();
  return reply.toString() === "ping";
}

describe("proxies", () => {
  it("reports the server version", async () => {
    expect(JSON.parse(await client.getVersion())).toEqual({ version: expect.stringMatching(/^2\.\d+\.\d+/) });
  });

  it("creates a proxy on a free port, reports the bound address, and forwards to the upstream", async () => {
    const proxy = await client.createProxy({ name: "echo", listen: "127.0.0.1:0", upstream: echo });
    expect(proxy.toJson()).toEqual({ name: "echo", listen: expect.stringMatching(/^127\.0\.0\.1:\d+$/), upstream: echo, enabled: true });
    expect(proxy.listen).not.toBe("127.0.0.1:0");
    expect(await echoes(proxy.listen)).toBe(true);
  });

  it("answers 409 for a duplicate name and 400 for a missing upstream", async () => {
    await client.createProxy({ name: "dup", listen: "127.0.0.1:0", upstream: echo });
    expect(await statusOf(client.createProxy({ name: "dup", listen: "127.0.0.1:0", upstream: echo }))).toBe(409);
    expect(await statusOf(client.createProxy({ name: "no-upstream", listen: "127.0.0.1:0" } as never))).toBe(400);
  });

  it("gets one proxy and all proxies, and 404s for an unknown one", async () => {
    await client.createProxy({ name: "a", listen: "127.0.0.1:0", upstream: echo });
    await client.createProxy({ name: "b", listen: "127.0.0.1:0", upstream: echo });
    expect((await client.get("a")).upstream).toBe(echo);
    expect(Object.keys(await client.getAll())).toEqual(["a", "b"]);
    expect(await statusOf(client.get("missing"))).toBe(404);
  });

  it("disables and re-enables a proxy on the same address through update", async () => {
    const proxy = await client.createProxy({ name: "flaky", listen: "127.0.0.1:0", upstream: echo });
    const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(down.enabled).toBe(false);
    await expect(kit.connect(proxy.listen)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    const up = await down.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    expect(up.toJson()).toEqual({ ...proxy.toJson(), enabled: true });
    expect(await echoes(up.listen)).toBe(true);
  });

  it("deletes a proxy and 404s when it is deleted again", async () => {
    const proxy = await client.createProxy({ name: "gone", listen: "127.0.0.1:0", upstream: echo });
    await proxy.remove();
    expect(await statusOf(client.get("gone"))).toBe(404);
    expect(await statusOf(proxy.remove())).toBe(404);
    await expect(kit.connect(proxy.listen)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("populates: creates new proxies, keeps identical ones, replaces changed ones", async () => {
    const first = await client.populate([
      { name: "p1", listen: "127.0.0.1:0", upstream: echo },
      { name: "p2", listen: "127.0.0.1:0", upstream: echo, enabled: false },
    ]);
    expect(Object.keys(first)).toEqual(["p1", "p2"]);
    expect(first["p2"]?.enabled).toBe(false);
    const p1 = first["p1"] as Proxy;
    await p1.addToxic({ name: "slow", type: "latency", stream: "downstream", toxicity: 1, attributes: { latency: 1, jitter: 0 } });

    const again = await client.populate([{ name: "p1", listen: p1.listen, upstream: echo }]);
    expect(again["p1"]?.listen).toBe(p1.listen);
    expect((await client.get("p1")).toJson()).toMatchObject({ listen: p1.listen });
    expect(await toxicsOf("p1")).toHaveLength(1);

    const replaced = await client.populate([{ name: "p1", listen: "127.0.0.1:0", upstream: echo }]);
    expect(replaced["p1"]?.listen).not.toBe(p1.listen);
    expect(await toxicsOf("p1")).toHaveLength(0);
  });

  it("answers 400 to a populate with a bad entry and changes nothing", async () => {
    expect(await statusOf(client.populate([{ name: "ok", listen: "127.0.0.1:0", upstream: echo }, { name: "bad" } as never]))).toBe(400);
    expect(await client.getAll()).toEqual({});
  });

  it("resets: enables every proxy and removes every toxic", async () => {
    const proxy = await client.createProxy({ name: "r", listen: "127.0.0.1:0", upstream: echo });
    await proxy.addToxic({ name: "t", type: "timeout", stream: "upstream", toxicity: 1, attributes: { timeout: 0 } });
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    await client.reset();
    const after = await client.getApi().get(`${server.url}/proxies/r`);
    expect(after.data).toMatchObject({ enabled: true, listen: proxy.listen, toxics: [] });
    expect(await echoes(proxy.listen)).toBe(true);
  });
});

const TOXICS = [
  { type: "latency", attributes: { latency: 10, jitter: 2 }, update: { latency: 20, jitter: 0 } },
  { type: "bandwidth", attributes: { rate: 1000 }, update: { rate: 50 } },
  { type: "slow_close", attributes: { delay: 10 }, update: { delay: 20 } },
  { type: "timeout", attributes: { timeout: 100 }, update: { timeout: 0 } },
  { type: "reset_peer", attributes: { timeout: 10 }, update: { timeout: 0 } },
  { type: "slicer", attributes: { average_size: 64, size_variation: 8, delay: 100 }, update: { average_size: 32, size_variation: 0, delay: 0 } },
  { type: "limit_data", attributes: { bytes: 1000 }, update: { bytes: 2000 } },
  { type: "noop", attributes: {}, update: {} },
] as const;

describe("toxics", () => {
  it.each(TOXICS)("adds, gets, lists, updates and removes a $type toxic", async ({ type, attributes, update }) => {
    const proxy = await client.createProxy({ name: `with-${type}`, listen: "127.0.0.1:0", upstream: echo });
    // The client's own type list lacks noop; the server has it, as Toxiproxy does.
    const toxic = await proxy.addToxic({ name: `${type}-up`, type: type as never, stream: "upstream", toxicity: 0.5, attributes });
    expect(toxic.toJson()).toEqual({ name: `${type}-up`, type, stream: "upstream", toxicity: 0.5, attributes });

    expect((await proxy.getToxic(`${type}-up`)).toJson()).toEqual(toxic.toJson());
    const listed = await client.getApi().get(`${proxy.getPath()}/toxics`);
    expect(listed.data).toEqual([toxic.toJson()]);

    const updated = await toxic.update({ ...toxic.toJson(), toxicity: 1, attributes: update });
    expect(updated.toJson()).toEqual({ ...toxic.toJson(), toxicity: 1, attributes: update });
    expect((await proxy.getToxic(`${type}-up`)).attributes).toEqual(update);

    await updated.remove();
    expect(await statusOf(proxy.getToxic(`${type}-up`))).toBe(404);
    expect(await statusOf(updated.remove())).toBe(404);
  });

  it("defaults name to <type>_<stream>, stream to downstream, toxicity to 1 and absent attributes to 0", async () => {
    const proxy = await client.createProxy({ name: "defaults", listen: "127.0.0.1:0", upstream: echo });
    const toxic = await proxy.addToxic({ type: "slicer", attributes: { average_size: 10 } } as never);
    expect(toxic.toJson()).toEqual({
      name: "slicer_downstream",
      type: "slicer",
      stream: "downstream",
      toxicity: 1,
      attributes: { average_size: 10, size_variation: 0, delay: 0 },
    });
    const raw = await fetch(`${proxy.getPath()}/toxics/slicer_downstream`);
    expect(Object.keys((await raw.json()) as object)).toEqual(["attributes", "name", "type", "stream", "toxicity"]);
  });

  it("answers 409 for a duplicate toxic, 400 for a bad type or stream, 404 for a missing proxy", async () => {
    const proxy = await client.createProxy({ name: "errors", listen: "127.0.0.1:0", upstream: echo });
    const body = { name: "l", type: "latency", stream: "downstream", toxicity: 1, attributes: { latency: 1, jitter: 0 } } as const;
    await proxy.addToxic(body);
    expect(await statusOf(proxy.addToxic(body))).toBe(409);
    expect(await statusOf(proxy.addToxic({ ...body, name: "x", type: "bogus" as never }))).toBe(400);
    expect(await statusOf(proxy.addToxic({ ...body, name: "y", stream: "sideways" as never }))).toBe(400);
    const api = client.getApi();
    expect(await statusOf(api.get(`${server.url}/proxies/nope/toxics`))).toBe(404);
    expect(await statusOf(api.post(`${server.url}/proxies/nope/toxics`, body))).toBe(404);
    expect(await statusOf(api.get(`${server.url}/proxies/nope/toxics/l`))).toBe(404);
    expect(await statusOf(api.post(`${server.url}/proxies/errors/toxics/nope`, body))).toBe(404);
    expect(await statusOf(api.delete(`${server.url}/proxies/errors/toxics/nope`))).toBe(404);
  });
});
