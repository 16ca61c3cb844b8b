import { describe, expect, it } from "vitest";
import { PipelineMetrics } from "./metrics.ts";
import { serveMetrics } from "./metrics-server.ts";

describe("serveMetrics", () => {
  it("serves the pipeline's registry in Prometheus text format at /metrics", async () => {
    const metrics = new PipelineMetrics();
    metrics.retries.inc({ operation: "download", reason: "throttled" }, 3);
    metrics.rowsWritten.inc({ table: "filename_instrument" }, 42);
    await using server = await serveMetrics(metrics.registry);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain('scale_retries_total{operation="download",reason="throttled"} 3');
    expect(text).toContain('scale_rows_written_total{table="filename_instrument"} 42');
    expect((await fetch(server.url.replace("/metrics", "/nope"))).status).toBe(404);
  });
});
