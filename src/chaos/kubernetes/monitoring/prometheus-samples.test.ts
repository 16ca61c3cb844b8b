import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PrometheusQueryError } from "../errors.ts";
import { faultWindow, prometheusSamples } from "./prometheus-samples.ts";

const WINDOW = { from: new Date("2026-01-01T10:00:00.000Z"), until: new Date("2026-01-01T10:00:30.000Z") };
const at = (iso: string) => new Date(iso).getTime() / 1000;

let server: Server | undefined;
const requests: URL[] = [];

/** A stand-in for Prometheus's HTTP API answering every request with `status` and `body`. */
async function prometheus(status: number, body: unknown): Promise<string> {
  server = createServer((request, response) => {
    requests.push(new URL(request.url ?? "/", "http://prometheus"));
    response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  requests.length = 0;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe("prometheusSamples", () => {
  it("reads the raw samples of a range vector ending with the window, and keeps those scraped inside it", async () => {
    const url = await prometheus(200, {
      status: "success",
      data: {
        resultType: "matrix",
        result: [
          {
            metric: { __name__: "up", pod: "scale-experiment-1-abc" },
            values: [
              [at("2026-01-01T09:59:59.500Z"), "1"],
              [at("2026-01-01T10:00:12.000Z"), "1"],
              [at("2026-01-01T10:00:27.000Z"), "0"],
            ],
          },
        ],
      },
    });
    const series = await prometheusSamples(`${url}/prometheus`, 'up{pod="scale-experiment-1-abc"}', WINDOW);

    expect(requests[0]?.pathname).toBe("/prometheus/api/v1/query");
    expect(requests[0]?.searchParams.get("query")).toBe('up{pod="scale-experiment-1-abc"}[30s]');
    expect(Number(requests[0]?.searchParams.get("time"))).toBe(at("2026-01-01T10:00:30.000Z"));
    expect(series).toEqual([
      {
        labels: { __name__: "up", pod: "scale-experiment-1-abc" },
        samples: [
          { at: new Date("2026-01-01T10:00:12.000Z"), value: 1 },
          { at: new Date("2026-01-01T10:00:27.000Z"), value: 0 },
        ],
      },
    ]);
  });

  it("has no series when Prometheus stored nothing for the selector in the window", async () => {
    const url = await prometheus(200, { status: "success", data: { resultType: "matrix", result: [] } });
    expect(await prometheusSamples(url, 'up{pod="gone"}', WINDOW)).toEqual([]);
  });

  it("reports Prometheus's own error, with the status and whose fault it is", async () => {
    const url = await prometheus(400, { status: "error", errorType: "bad_data", error: 'parse error: unexpected "}"' });
    const error = await prometheusSamples(url, "up{", WINDOW).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PrometheusQueryError);
    expect(error).toMatchObject({ status: 400, fault: "client", retryable: false });
    expect((error as Error).message).toBe('Prometheus query up{[30s] failed (HTTP 400): bad_data: parse error: unexpected "}"');
  });

  it("says so when Prometheus cannot be reached, as a retryable server-side failure", async () => {
    const url = await prometheus(200, {});
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const error = await prometheusSamples(url, "up", WINDOW, { timeoutMs: 2_000 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "PrometheusQueryError", status: 0, fault: "server", retryable: true });
    expect((error as Error).message).toContain(`cannot reach ${url}`);
  });
});

describe("faultWindow", () => {
  it("puts the fault's injection and removal on the wall clock, from the journal's start", () => {
    const window = faultWindow({ startedAt: "2026-01-01T10:00:00.000Z" }, { name: "pod-failure", injectedAt: 1_500.5, removedAt: 31_500.5 });
    expect(window).toEqual({ from: new Date("2026-01-01T10:00:01.500Z"), until: new Date("2026-01-01T10:00:31.500Z") });
  });

  it("has none for a fault that was not both injected and removed", () => {
    expect(() => faultWindow({ startedAt: "2026-01-01T10:00:00.000Z" }, { name: "never removed", injectedAt: 10, removedAt: null })).toThrow(
      'fault "never removed" was not both injected and removed: it has no window',
    );
  });
});
