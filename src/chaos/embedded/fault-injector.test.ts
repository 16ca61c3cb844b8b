import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client } from "../../pipeline/index.ts";
import { EmbeddedEnvironment, S3RVER_CREDENTIALS, type StartedEmbeddedEnvironment } from "./index.ts";
import { FaultInjector } from "./fault-injector.ts";
import { freePort } from "../env-kit/index.ts";

const CLI = fileURLToPath(new URL("../../../bin/chaos-control.mjs", import.meta.url));

/** The Toxiproxy-compatible server as its own process, as a user would run a real Toxiproxy. */
async function startExternalToxiproxy(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, "toxiproxy", "--listen", `127.0.0.1:${port}`], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", () => resolve());
    child.once("exit", (code) => reject(new Error(`toxiproxy exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

describe("FaultInjector on an environment whose traffic goes through an external Toxiproxy", () => {
  let toxiproxy: { url: string; child: ChildProcess };
  let env: StartedEmbeddedEnvironment;

  beforeAll(async () => {
    toxiproxy = await startExternalToxiproxy();
    env = await new EmbeddedEnvironment().withToxiproxyUrl(toxiproxy.url).start();
    await env.seed([{ key: "a.mid", body: new Uint8Array([1]) }]);
  });

  afterAll(async () => {
    await env?.stop();
    toxiproxy?.child.kill("SIGTERM");
  });

  it("creates the environment's proxies on that server and removes them on stop", async () => {
    const proxies = (await (await fetch(`${toxiproxy.url}/proxies`)).json()) as Record<string, { upstream: string }>;
    expect(Object.keys(proxies).sort()).toEqual([env.network.proxyName("postgres"), env.network.proxyName("s3")].sort());
  });

  it("records every fault it injects and removes whatever is left", async () => {
    const faults = new FaultInjector(env);
    const s3 = createS3Client(
      { endpoint: env.proxiedS3Endpoint, region: "us-east-1", bucket: env.bucket, prefix: "", forcePathStyle: true, credentials: { ...S3RVER_CREDENTIALS } },
      5_000,
    );
    try {
      const slowDown = await faults.s3({ type: "error", status: 503, code: "SlowDown", match: { operation: "ListObjectsV2" } });
      await expect(s3.send(new ListObjectsV2Command({ Bucket: env.bucket }))).rejects.toMatchObject({ name: "SlowDown", $metadata: { httpStatusCode: 503 } });
      expect(slowDown.observations.requestsFaulted).toBe(1);
      const latency = await faults.toxic("postgres", { type: "latency", stream: "downstream", attributes: { latency: 120 } });
      const client = new pg.Client(env.proxiedDatabaseUrl());
      await client.connect();
      const started = performance.now();
      await client.query("SELECT 1");
      expect(performance.now() - started).toBeGreaterThanOrEqual(120);
      await client.end();
      expect(faults.injected.map((handle) => handle.description.kind)).toEqual(["s3/error", "toxic/latency"]);
      expect(latency.removedAt).toBeUndefined();
    } finally {
      await faults.removeAll();
    }
    expect(faults.injected.every((handle) => handle.removedAt !== undefined)).toBe(true);
    const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: env.bucket }));
    expect(Contents).toHaveLength(1);
    s3.destroy();
  });
});
