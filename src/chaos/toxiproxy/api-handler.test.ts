/**
 * The HTTP API's answers to bad requests, as any client (curl included)
 * sees them: Toxiproxy's status codes and `{"error", "status"}` bodies, with
 * messages that name the field at fault.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TcpTestKit } from "./tcp-test-kit.ts";
import { startToxiproxyServer, type StartedToxiproxyServer } from "./toxiproxy-server.ts";

let server: StartedToxiproxyServer;
const kit = new TcpTestKit();
let echo: string;

beforeAll(async () => {
  server = await startToxiproxyServer({ port: 0 });
  echo = await kit.echoServer();
});

beforeEach(async () => {
  await call("POST", "/populate", []);
  for (const name of Object.keys((await call("GET", "/proxies")).body as object)) await call("DELETE", `/proxies/${name}`);
  await call("POST", "/proxies", { name: "db", listen: "127.0.0.1:0", upstream: echo });
  await call("POST", "/proxies/db/toxics", { name: "lag", type: "latency", attributes: { latency: 5 } });
});

afterAll(async () => {
  await server?.stop();
  await kit.close();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

const badToxic = { type: "latency", attributes: { latency: 10 } };
/** Never dialled: every request using it is rejected before a proxy starts. */
const UPSTREAM = "127.0.0.1:9";

describe("bad input answers 400 naming the field", () => {
  const cases: [string, string, string, unknown, RegExp][] = [
    [
      "negative latency",
      "POST",
      "/proxies/db/toxics",
      { ...badToxic, attributes: { latency: -1 } },
      /^bad request body: attributes\.latency must be an integer >= 0 \(milliseconds\), got -1$/,
    ],
    ["string jitter", "POST", "/proxies/db/toxics", { ...badToxic, attributes: { latency: 1, jitter: "5" } }, /attributes\.jitter must be an integer/],
    ["unknown toxic type", "POST", "/proxies/db/toxics", { type: "packet_loss" }, /^invalid toxic type: type "packet_loss" is not one of latency, bandwidth/],
    ["missing toxic type", "POST", "/proxies/db/toxics", { attributes: {} }, /^invalid toxic type: type nothing/],
    [
      "toxicity outside 0..1",
      "POST",
      "/proxies/db/toxics",
      { ...badToxic, toxicity: 2 },
      /^bad request body: toxicity must be a number between 0 and 1, got 2$/,
    ],
    ["bad stream", "POST", "/proxies/db/toxics", { ...badToxic, stream: "both" }, /^stream was invalid, can be either upstream or downstream: got "both"$/],
    ["attributes not an object", "POST", "/proxies/db/toxics", { ...badToxic, attributes: [1] }, /^bad request body: attributes must be an object, got \[1\]$/],
    ["bad toxic update", "POST", "/proxies/db/toxics/lag", { attributes: { latency: -3 } }, /attributes\.latency must be an integer >= 0/],
    ["missing upstream", "POST", "/proxies", { name: "x", listen: "127.0.0.1:0" }, /^missing required field: upstream$/],
    ["missing name", "POST", "/proxies", { upstream: UPSTREAM }, /^missing required field: name$/],
    [
      "listen without a port",
      "POST",
      "/proxies",
      { name: "x", upstream: UPSTREAM, listen: "localhost" },
      /^bad request body: listen must be host:port \(missing port\), got "localhost"$/,
    ],
    ["upstream port 0", "POST", "/proxies", { name: "x", upstream: "127.0.0.1:0" }, /upstream must be host:port \(port must be 1\.\.65535\)/],
    ["enabled as a string", "POST", "/proxies/db", { enabled: "false" }, /^bad request body: enabled must be true or false, got "false"$/],
    ["empty upstream in an update", "POST", "/proxies/db", { upstream: "" }, /^missing required field: upstream$/],
    ["invalid JSON", "POST", "/proxies", "{nope", /^bad request body: /],
    ["empty body", "POST", "/proxies", "", /^bad request body: empty body \(EOF\)$/],
    ["populate with an object", "POST", "/populate", { name: "x" }, /^bad request body: expected an array of proxies/],
    [
      "populate entry without name",
      "POST",
      "/populate",
      [{ name: "ok", upstream: UPSTREAM }, { upstream: UPSTREAM }],
      /^missing required field: name at proxy 2$/,
    ],
  ];

  it.each(cases)("%s", async (_, method, path, body, message) => {
    const answer = await call(method, path, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: expect.stringMatching(message), status: 400 });
  });

  it("changes nothing on a rejected request", async () => {
    await call("POST", "/proxies/db/toxics/lag", { attributes: { latency: -3 } });
    await call("POST", "/populate", [{ name: "new", upstream: echo }, { upstream: echo }]);
    const proxies = (await call("GET", "/proxies")).body as Record<string, { toxics: unknown[] }>;
    expect(Object.keys(proxies)).toEqual(["db"]);
    expect(proxies["db"]?.toxics).toEqual([{ attributes: { latency: 5, jitter: 0 }, name: "lag", type: "latency", stream: "downstream", toxicity: 1 }]);
  });
});

describe("status codes", () => {
  it.each([
    ["GET", "/proxies/nope", 404, { error: "proxy not found", status: 404 }],
    ["DELETE", "/proxies/nope", 404, { error: "proxy not found", status: 404 }],
    ["POST", "/proxies/nope", 404, { error: "proxy not found", status: 404 }],
    ["GET", "/proxies/nope/toxics", 404, { error: "proxy not found", status: 404 }],
    ["GET", "/proxies/db/toxics/nope", 404, { error: "toxic not found", status: 404 }],
    ["DELETE", "/proxies/db/toxics/nope", 404, { error: "toxic not found", status: 404 }],
    ["POST", "/proxies/db/toxics", 409, { error: "toxic already exists", status: 409 }],
  ] as const)("%s %s answers %i", async (method, path, status, body) => {
    const answer = await call(method, path, method === "POST" ? { name: "lag", type: "noop" } : undefined);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual(body);
  });

  it("answers 409 to a duplicate proxy, 201 to a create and 204 to deletes and reset", async () => {
    expect((await call("POST", "/proxies", { name: "db", upstream: echo })).body).toEqual({ error: "proxy already exists", status: 409 });
    expect((await call("POST", "/proxies", { name: "db2", listen: "127.0.0.1:0", upstream: echo })).status).toBe(201);
    expect((await call("POST", "/populate", [{ name: "db3", listen: "127.0.0.1:0", upstream: echo }])).status).toBe(201);
    expect((await call("POST", "/proxies/db/toxics", { type: "noop" })).status).toBe(200);
    expect((await call("DELETE", "/proxies/db/toxics/lag")).status).toBe(204);
    expect((await call("POST", "/reset")).status).toBe(204);
    expect((await call("DELETE", "/proxies/db2")).status).toBe(204);
  });

  it("accepts PATCH for updates, as Toxiproxy 2.x does", async () => {
    expect((await call("PATCH", "/proxies/db/toxics/lag", { toxicity: 0.5 })).body).toMatchObject({ toxicity: 0.5, attributes: { latency: 5 } });
    expect((await call("PATCH", "/proxies/db", { enabled: false })).body).toMatchObject({ enabled: false });
  });

  it("answers unknown paths with 404, wrong methods with 405, browsers with 403", async () => {
    expect(await call("GET", "/nope")).toMatchObject({ status: 404, text: "404 page not found\n" });
    expect((await call("GET", "/proxies/db/toxics/lag/extra")).status).toBe(404);
    expect((await call("DELETE", "/version")).status).toBe(405);
    expect((await call("GET", "/version", undefined, { "User-Agent": "Mozilla/5.0" })).status).toBe(403);
  });

  it("reports the version as Toxiproxy writes it", async () => {
    expect((await call("GET", "/version")).text).toMatch(/^\{"version": "2\.\d+\.\d+"\}\n$/);
  });
});
