import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../env-kit/index.ts";
import { promqlProbe } from "./promql-probe.ts";
import { sampleOnce } from "./testing/probe-context.ts";

/** Series a fake Prometheus knows, by query: sample values as the HTTP API sends them (strings). */
const VECTORS: Record<string, { metric: Record<string, string>; value: string }[]> = {
  'up{job="api"}': [{ metric: { __name__: "up", job: "api", instance: "api:8080" }, value: "1" }],
  'sum(rate(http_requests_total{code=~"5.."}[1m]))': [{ metric: {}, value: "0.25" }],
  up: [
    { metric: { __name__: "up", job: "api", instance: "api:8080" }, value: "1" },
    { metric: { __name__: "up", job: "db", instance: "db:9187" }, value: "0" },
  ],
  "errors_total > 0": [],
  "1 / 0": [{ metric: {}, value: "+Inf" }],
  "0 / 0": [{ metric: {}, value: "NaN" }],
};

let server: Server;
let base: string;
const requests: { path: string; query: string | null; timeout: string | null; authorization: string | undefined }[] = [];

/** A Prometheus HTTP API that answers `/api/v1/query` in its documented JSON format, below a path prefix as behind a proxy. */
beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url!, "http://prometheus.test");
    const query = url.searchParams.get("query");
    requests.push({ path: url.pathname, query, timeout: url.searchParams.get("timeout"), authorization: request.headers.authorization });
    const answer = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const now = Date.now() / 1000;
    if (url.pathname !== "/prometheus/api/v1/query") return answer(404, { status: "error", errorType: "not_found", error: "404 page not found" });
    if (query === "hang") return;
    if (query === "scalar(42)") return answer(200, { status: "success", data: { resultType: "scalar", result: [now, "42"] } });
    if (query === "up[1m]")
      return answer(200, {
        status: "success",
        data: {
          resultType: "matrix",
          result: [
            {
              metric: { __name__: "up" },
              values: [
                [now - 15, "1"],
                [now, "1"],
              ],
            },
          ],
        },
      });
    if (query === "sum(rate(x[1m]")
      return answer(400, { status: "error", errorType: "bad_data", error: 'invalid parameter "query": 1:16: parse error: unclosed left parenthesis' });
    const series = VECTORS[query ?? ""];
    if (!series) return answer(422, { status: "error", errorType: "execution", error: `unknown query in the fake: ${query}` });
    answer(200, { status: "success", data: { resultType: "vector", result: series.map(({ metric, value }) => ({ metric, value: [now, value] })) } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prometheus`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("promqlProbe against a Prometheus HTTP API", () => {
  it("reads a vector of one series and compares its value", async () => {
    expect(await sampleOnce(promqlProbe({ name: "api up", prometheusUrl: base, query: 'up{job="api"}', expect: { equals: 1 } }))).toMatchObject({
      value: 1,
      ok: true,
    });
    const errorRate = promqlProbe({
      name: "5xx rate",
      prometheusUrl: `${base}/`,
      query: 'sum(rate(http_requests_total{code=~"5.."}[1m]))',
      expect: { atMost: 0.1 },
      unit: "errors/s",
    });
    expect(await sampleOnce(errorRate)).toMatchObject({ value: 0.25, ok: false });
    expect(requests.at(-1)).toMatchObject({ path: "/prometheus/api/v1/query", query: 'sum(rate(http_requests_total{code=~"5.."}[1m]))', timeout: "5s" });
  });

  it("reads a scalar, and infinities as the API spells them", async () => {
    expect(await sampleOnce(promqlProbe({ name: "answer", prometheusUrl: base, query: "scalar(42)", expect: { atLeast: 40 } }))).toMatchObject({
      value: 42,
      ok: true,
    });
    expect(await sampleOnce(promqlProbe({ name: "ratio", prometheusUrl: base, query: "1 / 0", expect: { atMost: 1 } }))).toMatchObject({
      value: Infinity,
      ok: false,
    });
  });

  it("records what it cannot compare as a failed sample saying why", async () => {
    const error = async (query: string, extra: { whenEmpty?: number } = {}) =>
      (await sampleOnce(promqlProbe({ name: "q", prometheusUrl: base, query, expect: { atLeast: 0 }, ...extra }))).error;
    expect(await error("up")).toBe("the query returned 2 series; aggregate them (sum, max, …) to one");
    expect(await error("errors_total > 0")).toBe("the query returned no series");
    expect(await error("0 / 0")).toBe('the query\'s value is "NaN", not a number');
    expect(await error("up[1m]")).toBe("the query gave a matrix result; a probe needs a scalar or an instant vector");
    expect(await error("sum(rate(x[1m]")).toBe('Prometheus answered 400: bad_data: invalid parameter "query": 1:16: parse error: unclosed left parenthesis');
  });

  it("takes whenEmpty as the value of an empty vector", async () => {
    expect(
      await sampleOnce(promqlProbe({ name: "errors", prometheusUrl: base, query: "errors_total > 0", expect: { equals: 0 }, whenEmpty: 0 })),
    ).toMatchObject({ value: 0, ok: true });
  });

  it("gives up at its timeout, and says when nothing answers", async () => {
    const started = performance.now();
    expect((await sampleOnce(promqlProbe({ name: "q", prometheusUrl: base, query: "hang", expect: { equals: 1 }, timeoutMs: 200 }))).error).toBe(
      "Prometheus did not answer within 200 ms",
    );
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(
      (await sampleOnce(promqlProbe({ name: "q", prometheusUrl: `http://127.0.0.1:${await freePort()}/`, query: "up", expect: { equals: 1 } }))).error,
    ).toContain("ECONNREFUSED");
  });

  it("sends its headers, keeps them out of its tolerance, and refuses a bad declaration naming the field", async () => {
    const probe = promqlProbe({
      name: "api up",
      prometheusUrl: base,
      query: 'up{job="api"}',
      expect: { equals: 1 },
      headers: { authorization: "Bearer pr0m" },
    });
    await sampleOnce(probe);
    expect(requests.at(-1)?.authorization).toBe("Bearer pr0m");
    expect(probe.declaration({ baselineThroughput: 0 }).tolerance).toBe(`up{job="api"} on ${base}/api/v1/query is == 1`);
    expect(() => promqlProbe({ name: "q", prometheusUrl: "prometheus:9090", query: "up", expect: { equals: 1 } })).toThrow(
      'promqlProbe "q": prometheusUrl must be http: or https:',
    );
    expect(() => promqlProbe({ name: "q", prometheusUrl: base, query: "", expect: { equals: 1 } })).toThrow('promqlProbe "q": query is required');
    expect(() => promqlProbe({ name: "q", prometheusUrl: base, query: "up", expect: undefined as never })).toThrow('promqlProbe "q": expect is required');
  });
});
