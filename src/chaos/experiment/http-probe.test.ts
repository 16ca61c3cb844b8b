import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpProbe } from "./http-probe.ts";
import { sampleOnce } from "./testing/probe-context.ts";

let server: Server;
let base: string;
const requests: { url: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push({ url: request.url!, authorization: request.headers.authorization });
    const url = new URL(request.url!, "http://probe.test");
    const json = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (url.pathname === "/health") return json(200, { status: "ok", checks: [{ name: "db", latencyMs: 12 }] });
    if (url.pathname === "/degraded") return json(503, { status: "degraded" });
    if (url.pathname === "/created") return json(201, { id: 7 });
    if (url.pathname === "/text") return response.end("all systems go\n");
    if (url.pathname === "/slow") return void setTimeout(() => json(200, { status: "ok" }), Number(url.searchParams.get("ms")));
    if (url.pathname === "/hang") return;
    const authorized = ["Bearer s3cret", `Basic ${Buffer.from("probe:pa55").toString("base64")}`].includes(request.headers.authorization ?? "");
    if (url.pathname === "/private") return authorized ? json(200, { status: "ok" }) : json(401, { error: "no token" });
    json(404, { error: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("httpProbe against a real HTTP server", () => {
  it("accepts a 2xx by default and records the status of any other as the failed sample's error", async () => {
    const healthy = await sampleOnce(httpProbe({ name: "api", url: `${base}/health` }));
    expect(healthy).toMatchObject({ probe: "api", ok: true });
    expect(healthy.value).toBeGreaterThan(0);

    expect(await sampleOnce(httpProbe({ name: "api", url: `${base}/degraded` }))).toMatchObject({
      value: null,
      ok: false,
      error: `GET ${base}/degraded answered 503 (expected 200-299)`,
    });
  });

  it("accepts exactly the statuses listed, or a range", async () => {
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/degraded`, status: 503 }))).ok).toBe(true);
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/created`, status: [200, 204] }))).error).toBe(
      `GET ${base}/created answered 201 (expected 200 or 204)`,
    );
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/created`, status: { from: 200, to: 201 } }))).ok).toBe(true);
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/nothing`, status: { from: 200, to: 399 } }))).error).toContain(
      "answered 404 (expected 200-399)",
    );
  });

  it("measures the response time and fails a response slower than withinMs", async () => {
    const slow = await sampleOnce(httpProbe({ name: "api", url: `${base}/slow?ms=300`, withinMs: 100 }));
    expect(slow.value).toBeGreaterThanOrEqual(295);
    expect(slow.ok).toBe(false);
    const patient = await sampleOnce(httpProbe({ name: "api", url: `${base}/slow?ms=300`, withinMs: 2_000 }));
    expect(patient.value).toBeGreaterThanOrEqual(295);
    expect(patient.ok).toBe(true);
  });

  it("gives up at the timeout with a failed sample saying so", async () => {
    const started = performance.now();
    const sample = await sampleOnce(httpProbe({ name: "api", url: `${base}/hang`, timeoutMs: 200 }));
    expect(sample).toMatchObject({ ok: false, value: null, error: `GET ${base}/hang did not answer within 200 ms` });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("records a refused connection with its cause", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/health`;
    await new Promise((resolve) => closed.close(resolve));
    const sample = await sampleOnce(httpProbe({ name: "api", url }));
    expect(sample.ok).toBe(false);
    expect(sample.error).toContain("ECONNREFUSED");
  });

  it("checks a JSON value by path: equality, bounds, a pattern", async () => {
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/health`, body: { path: "$.status", equals: "ok" } }))).ok).toBe(true);
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/health`, body: { path: "$.checks[0].latencyMs", atMost: 50 } }))).ok).toBe(true);
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/health`, body: { path: "$.checks[0]['name']", matches: "^d" } }))).ok).toBe(true);

    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/degraded`, status: 503, body: { path: "$.status", equals: "ok" } }))).error).toBe(
      `GET ${base}/degraded answered 503, but $.status is "degraded", not "ok"`,
    );
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/health`, body: { path: "$.checks[0].latencyMs", atMost: 5 } }))).error).toContain(
      "$.checks[0].latencyMs is 12, not <= 5",
    );
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/health`, body: { path: "$.checks[1].name", equals: "db" } }))).error).toContain(
      "the body has no $.checks[1].name",
    );
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/text`, body: { path: "$.status", equals: "ok" } }))).error).toContain(
      'the body is not JSON: "all systems go"',
    );
  });

  it("checks the body text with a regular expression or a function", async () => {
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/text`, body: { matches: "SYSTEMS GO", flags: "i" } }))).ok).toBe(true);
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/text`, body: { matches: "^down" } }))).error).toContain("which does not match /^down/");
    const saysGo = (body: string) => body.includes("go");
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/text`, body: saysGo }))).ok).toBe(true);
    expect((await sampleOnce(httpProbe({ name: "api", url: `${base}/health`, body: saysGo }))).error).toContain("did not satisfy saysGo");
  });

  it("sends its headers but never shows them, nor the URL's user info or query, in its tolerance", async () => {
    const withUserInfo = `http://probe:pa55@127.0.0.1:${new URL(base).port}/private?token=t0ken`;
    const bearer = httpProbe({ name: "private", url: withUserInfo, headers: { Authorization: "Bearer s3cret" } });
    expect((await sampleOnce(bearer)).ok).toBe(true);
    expect(requests.at(-1)).toEqual({ url: "/private?token=t0ken", authorization: "Bearer s3cret" });
    const basic = httpProbe({ name: "private", url: withUserInfo });
    expect((await sampleOnce(basic)).ok).toBe(true);
    expect(requests.at(-1)).toEqual({ url: "/private?token=t0ken", authorization: `Basic ${Buffer.from("probe:pa55").toString("base64")}` });
    for (const probe of [bearer, basic]) expect(probe.declaration({ baselineThroughput: 0 }).tolerance).toBe(`GET ${base}/private answers 200-299`);
    const hanging = await sampleOnce(httpProbe({ name: "private", url: `http://probe:pa55@127.0.0.1:${new URL(base).port}/hang?token=t0ken`, timeoutMs: 100 }));
    expect(hanging.error).toBe(`GET ${base}/hang did not answer within 100 ms`);
    expect((await sampleOnce(httpProbe({ name: "private", url: `${base}/private?token=t0ken` }))).error).toBe(
      `GET ${base}/private answered 401 (expected 200-299)`,
    );
  });

  it("declares its tolerance for reports", () => {
    const probe = httpProbe({ name: "api", url: `${base}/health`, status: 200, withinMs: 300, body: { path: "$.status", equals: "ok" } });
    expect(probe.declaration({ baselineThroughput: 0 })).toEqual({
      name: "api",
      unit: "ms",
      role: "hypothesis",
      tolerance: `GET ${base}/health answers 200 within 300 ms with $.status == "ok"`,
    });
    expect(probe.whilePipelineRuns).toBe(false);
  });

  it("refuses a bad declaration with an error naming the field", () => {
    expect(() => httpProbe({ name: "api", url: "not a url" })).toThrow('httpProbe "api": url is not a URL');
    expect(() => httpProbe({ name: "api", url: base, status: 42 })).toThrow('httpProbe "api": status: 42 is not an HTTP status (100-599)');
    expect(() => httpProbe({ name: "api", url: base, status: { from: 300, to: 200 } })).toThrow("from (300) is above to (200)");
    expect(() => httpProbe({ name: "api", url: base, body: { path: "status", equals: "ok" } })).toThrow('httpProbe "api": body.path must start with "$"');
    expect(() => httpProbe({ name: "api", url: base, body: { path: "$.a..b", equals: 1 } })).toThrow('body.path: cannot read "$.a..b" at position 3');
    expect(() => httpProbe({ name: "api", url: base, body: { matches: "(" } })).toThrow('httpProbe "api": body.matches is not a valid regular expression');
    expect(() => httpProbe({ name: "api", url: base, body: { equals: "ok" } })).toThrow('give httpProbe "api": body.path');
    expect(() => httpProbe({ name: "", url: base })).toThrow("httpProbe: name is required");
    expect(() => httpProbe({ name: "api", url: base, withinMs: -1 })).toThrow("withinMs must be a positive number");
  });
});
