import { GetObjectCommand } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client } from "../../../pipeline/index.ts";
import { EmbeddedEnvironment, S3RVER_CREDENTIALS, type StartedEmbeddedEnvironment } from "../../embedded/index.ts";
import { injectToxic, partition } from "./network-faults.ts";

const OBJECT_BYTES = 256 * 1024;

describe("network faults between the pipeline and its services", () => {
  let env: StartedEmbeddedEnvironment;
  let client: pg.Client;

  beforeAll(async () => {
    env = await new EmbeddedEnvironment().start();
    await env.seed([{ key: "big.bin", body: new Uint8Array(OBJECT_BYTES).fill(7) }]);
  });

  afterAll(async () => {
    await env?.stop();
  });

  async function connect(timeoutMs = 5_000): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: env.proxiedDatabaseUrl(), connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
    c.on("error", () => undefined);
    await c.connect();
    return c;
  }

  async function roundTripMs(c: pg.Client): Promise<number> {
    const started = performance.now();
    await c.query("SELECT 1");
    return performance.now() - started;
  }

  const s3 = () =>
    createS3Client(
      { endpoint: env.proxiedS3Endpoint, region: "us-east-1", bucket: env.bucket, prefix: "", forcePathStyle: true, credentials: { ...S3RVER_CREDENTIALS } },
      10_000,
    );

  it("latency on the Postgres proxy slows an already open connection by the requested amount", async () => {
    client = await connect();
    try {
      const baseline = await roundTripMs(client);
      await using fault = await injectToxic(env.network.api, env.network.proxyName("postgres"), {
        type: "latency",
        stream: "downstream",
        attributes: { latency: 150, jitter: 0 },
      });
      const samples = [await roundTripMs(client), await roundTripMs(client), await roundTripMs(client)];
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(150);
      expect(Math.min(...samples)).toBeLessThan(150 + baseline + 250);
      expect(fault.description).toMatchObject({ kind: "toxic/latency", target: expect.stringContaining("downstream") });
      await fault.remove();
      expect(await roundTripMs(client)).toBeLessThan(100);
    } finally {
      await client.end();
    }
  });

  it("bandwidth on the S3 proxy throttles a download to about the rate", async () => {
    const rateKBps = 512;
    await using fault = await injectToxic(env.network.api, env.network.proxyName("s3"), {
      type: "bandwidth",
      stream: "downstream",
      attributes: { rate: rateKBps },
    });
    const started = performance.now();
    const response = await s3().send(new GetObjectCommand({ Bucket: env.bucket, Key: "big.bin" }));
    const bytes = await response.Body!.transformToByteArray();
    const seconds = (performance.now() - started) / 1000;
    expect(bytes.byteLength).toBe(OBJECT_BYTES);
    const measuredKBps = OBJECT_BYTES / 1024 / seconds;
    expect(measuredKBps).toBeLessThan(rateKBps * 1.15);
    expect(fault.observations.toxic).toMatchObject({ type: "bandwidth", attributes: { rate: rateKBps } });
  });

  it("a partition refuses new connections and closes open ones until removed", async () => {
    const open = await connect();
    const fault = await partition(env.network.api, env.network.proxyName("postgres"), env.network.address("postgres"));
    try {
      expect(fault.observations.enabled).toBe(false);
      await expect(open.query("SELECT 1")).rejects.toThrow();
      await expect(connect(1_000)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await fault.remove();
      await open.end().catch(() => undefined);
    }
    const again = await connect();
    expect(await roundTripMs(again)).toBeGreaterThanOrEqual(0);
    await again.end();
  });

  it("reset_peer resets the Postgres connection", async () => {
    const c = await connect();
    await using fault = await injectToxic(env.network.api, env.network.proxyName("postgres"), {
      type: "reset_peer",
      stream: "downstream",
      attributes: { timeout: 0 },
    });
    const error = await c.query("SELECT 1").catch((e: unknown) => e);
    expect(String((error as Error).message) + String((error as { code?: string }).code)).toMatch(/ECONNRESET|Connection terminated/);
    expect(fault.description.kind).toBe("toxic/reset_peer");
    await c.end().catch(() => undefined);
  });

  it("a timeout toxic with 0 holds every byte until removed", async () => {
    const c = await connect();
    const fault = await injectToxic(env.network.api, env.network.proxyName("postgres"), { type: "timeout", stream: "downstream", attributes: { timeout: 0 } });
    const answered = c.query("SELECT 42 AS answer");
    const raced = await Promise.race([answered.then(() => "answered"), new Promise((resolve) => setTimeout(() => resolve("held"), 500))]);
    expect(raced).toBe("held");
    await fault.remove();
    expect((await answered).rows).toEqual([{ answer: 42 }]);
    await c.end();
  });

  it("a bad toxic is rejected before any request, naming the field", async () => {
    await expect(
      injectToxic(env.network.api, env.network.proxyName("postgres"), { type: "latency", stream: "downstream", attributes: { latency: -5 } }),
    ).rejects.toThrow(/latency/);
    await expect(
      injectToxic(env.network.api, env.network.proxyName("postgres"), { type: "latency", stream: "downstream", toxicity: 2, attributes: { latency: 5 } }),
    ).rejects.toThrow(/toxicity/);
    await expect(injectToxic(env.network.api, "no-such-proxy", { type: "latency", stream: "downstream", attributes: { latency: 5 } })).rejects.toThrow(
      /not found/i,
    );
  });
});
