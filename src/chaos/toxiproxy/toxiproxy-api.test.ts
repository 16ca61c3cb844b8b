/**
 * The typed client: bad requests fail before anything is sent, with an error
 * naming the field; server answers become `ToxiproxyApiError`s with their
 * status; fault handles undo exactly once.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ToxiproxyApiError, ToxiproxyConnectionError, ToxiproxyValidationError } from "./errors.ts";
import { SocketReader, TcpTestKit } from "./tcp-test-kit.ts";
import type { ToxicSpec, ToxicUpdate } from "./toxic-spec.ts";
import { ToxiproxyApi } from "./toxiproxy-api.ts";
import { startToxiproxyServer, type StartedToxiproxyServer } from "./toxiproxy-server.ts";

describe("client-side validation", () => {
  let counter: Server;
  let requests = 0;
  let api: ToxiproxyApi;

  beforeAll(async () => {
    counter = createServer((_, response) => {
      requests += 1;
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => counter.listen(0, "127.0.0.1", resolve));
    api = new ToxiproxyApi(`http://127.0.0.1:${(counter.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    counter.closeAllConnections();
    await new Promise((resolve) => counter.close(resolve));
  });

  const cases: [string, () => Promise<unknown>, string][] = [
    ["a negative latency", () => api.addToxic("db", { type: "latency", attributes: { latency: -5 } }), "attributes.latency"],
    ["a fractional rate", () => api.addToxic("db", { type: "bandwidth", attributes: { rate: 1.5 } }), "attributes.rate"],
    ["toxicity above 1", () => api.addToxic("db", { type: "noop", toxicity: 1.5 }), "toxicity"],
    ["an unknown stream", () => api.addToxic("db", { type: "timeout", stream: "sideways" as never, attributes: { timeout: 1 } }), "stream"],
    ["an unknown toxic type", () => api.addToxic("db", { type: "jitter" } as never), "type"],
    ["a slicer of 0-byte slices", () => api.addToxic("db", { type: "slicer", attributes: { average_size: 0 } }), "attributes.average_size"],
    ["a negative limit", () => api.addToxic("db", { type: "limit_data", attributes: { bytes: -1 } }), "attributes.bytes"],
    ["a proxy without upstream", () => api.createProxy({ name: "db" } as never), "upstream"],
    ["a proxy without name", () => api.createProxy({ name: "", upstream: "db:5432" }), "name"],
    ["a listen address without port", () => api.createProxy({ name: "db", upstream: "db:5432", listen: "localhost" }), "listen"],
    ["an upstream port out of range", () => api.createProxy({ name: "db", upstream: "db:99999" }), "upstream"],
    ["enabled that is not a boolean", () => api.updateProxy("db", { enabled: "yes" as never }), "enabled"],
    [
      "a duplicate name in populate",
      () =>
        api.populate([
          { name: "a", upstream: "a:1" },
          { name: "a", upstream: "a:1" },
        ]),
      "[1].name",
    ],
    ["a populate entry without upstream", () => api.populate([{ name: "a" } as never]), "[0].upstream"],
    ["an update to a negative rate", () => api.updateToxic("db", "t", { type: "bandwidth", attributes: { rate: -1 } }), "attributes.rate"],
    ["an update to toxicity below 0", () => api.updateToxic("db", "t", { type: "latency", toxicity: -0.1 }), "toxicity"],
    ["an empty proxy name in a path", () => api.getProxy(""), "name"],
  ];

  it.each(cases)("rejects %s, naming %s, without sending a request", async (_, call, field) => {
    const error = await call().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ToxiproxyValidationError);
    expect(error).toMatchObject({ field, status: 400, fault: "client", retryable: false });
    expect((error as Error).message).toContain(field.replace(/^\[\d+\]\./, ""));
    expect(requests).toBe(0);
  });

  it("does not compile an attribute of one toxic type on another", () => {
    const specs: ToxicSpec[] = [
      // @ts-expect-error latency is not a bandwidth attribute
      { type: "bandwidth", attributes: { latency: 100 } },
      // @ts-expect-error a latency toxic needs its latency
      { type: "latency", attributes: { jitter: 5 } },
      { type: "reset_peer" },
    ];
    // @ts-expect-error rate is not a slicer attribute, in updates either
    const update: ToxicUpdate = { type: "slicer", attributes: { rate: 5 } };
    expect([...specs, update]).toHaveLength(4);
  });
});

describe("against the server", () => {
  let server: StartedToxiproxyServer;
  let api: ToxiproxyApi;
  const kit = new TcpTestKit();
  let echo: string;

  beforeAll(async () => {
    server = await startToxiproxyServer({ port: 0 });
    api = new ToxiproxyApi(`${server.url}/`);
    echo = await kit.echoServer();
  });

  afterEach(async () => {
    for (const name of Object.keys(await api.listProxies())) await api.deleteProxy(name);
  });

  afterAll(async () => {
    await server?.stop();
    await kit.close();
  });

  it("turns error answers into ToxiproxyApiErrors carrying the status", async () => {
    await expect(api.getProxy("missing")).rejects.toMatchObject({ status: 404, message: "proxy not found", fault: "client" });
    await api.createProxy({ name: "db", listen: "127.0.0.1:0", upstream: echo });
    const duplicate = await api.createProxy({ name: "db", listen: "127.0.0.1:0", upstream: echo }).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(ToxiproxyApiError);
    expect(duplicate).toMatchObject({ status: 409, message: "proxy already exists" });
    await expect(api.removeToxic("db", "missing")).rejects.toMatchObject({ status: 404, message: "toxic not found" });
  });

  it("reads the version and the toxics of a proxy", async () => {
    expect(await api.version()).toMatch(/^2\.\d+\.\d+$/);
    await api.createProxy({ name: "db", listen: "127.0.0.1:0", upstream: echo });
    const added = await api.addToxic("db", { type: "bandwidth", stream: "upstream", attributes: { rate: 10 } });
    expect(added).toEqual({ name: "bandwidth_upstream", type: "bandwidth", stream: "upstream", toxicity: 1, attributes: { rate: 10 } });
    expect(await api.listToxics("db")).toEqual([added]);
    expect(await api.getToxic("db", "bandwidth_upstream")).toEqual(added);
  });

  it("gives injected toxics a handle that removes them once, also after a reset", async () => {
    await api.createProxy({ name: "db", listen: "127.0.0.1:0", upstream: echo });
    const handle = await api.injectToxic("db", { type: "latency", attributes: { latency: 10 } });
    expect(handle.toxic.name).toBe("latency_downstream");
    await handle.remove();
    await handle.remove();
    expect(await api.listToxics("db")).toEqual([]);

    const disposed = await api.injectToxic("db", { type: "timeout", attributes: { timeout: 0 } });
    await api.reset();
    await disposed[Symbol.asyncDispose]();
  });

  it("takes a proxy down and brings it back through a handle", async () => {
    const { listen } = await api.createProxy({ name: "db", listen: "127.0.0.1:0", upstream: echo });
    const down = await api.disableProxy("db");
    await expect(kit.connect(listen)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await down.remove();
    const socket = await kit.connect(listen);
    const reader = new SocketReader(socket);
    socket.write("up");
    expect((await reader.read(2, 2_000)).toString()).toBe("up");
  });

  it("finds the server through TOXIPROXY_URL", async () => {
    expect(ToxiproxyApi.fromEnv({ TOXIPROXY_URL: server.url }).url).toBe(server.url);
    expect(ToxiproxyApi.fromEnv({}).url).toBe("http://localhost:8474");
  });

  it("reports an unreachable server as a retryable ToxiproxyConnectionError", async () => {
    const gone = await startToxiproxyServer({ port: 0 });
    await gone.stop();
    const error = await gone
      .api()
      .version()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToxiproxyConnectionError);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining(gone.url) });
  });
});
