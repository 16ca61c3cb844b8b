import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ChaosRefusedError, KubernetesConfigError } from "../errors.ts";
import { DEFAULT_FAKE_OPTIONS } from "../testing/fake-cluster-kit.ts";
import { FakeKubeApi } from "../testing/fake-kube-api.ts";
import { KubernetesEnvironment } from "./kubernetes-env.ts";
import type { KubernetesEnvironmentInput } from "./kubernetes-env-config.ts";

const DATABASE_URL = "postgres://scale:pw-not-logged@127.0.0.1:1/postgres";

function input(fake: FakeKubeApi, overrides: Partial<KubernetesEnvironmentInput["target"]> = {}, logs: string[] = []): KubernetesEnvironmentInput {
  return {
    target: { kubeconfigPath: fake.kubeconfigPath, namespace: "chaos", allowedNamespaces: ["chaos", "unmarked"], log: (line) => logs.push(line), ...overrides },
    database: { url: DATABASE_URL, inClusterUrl: "postgres://scale:pw-not-logged@scale-postgresql.chaos.svc:5432/postgres" },
    s3: {
      endpoint: "http://127.0.0.1:19000",
      inClusterEndpoint: "http://minio.chaos.svc:9000",
      bucket: "midi",
      credentials: { accessKeyId: "minio", secretAccessKey: "minio-secret" },
      inClusterPort: 9000,
    },
    pipeline: { image: "registry.example/chaos-control:test", metricsPort: 9464, startTimeoutMs: 5_000 },
  };
}

describe("KubernetesEnvironment on the fake API server", () => {
  it("names its target by context and namespace and is not local", async () => {
    await using fake = await FakeKubeApi.start(DEFAULT_FAKE_OPTIONS);
    await using env = await KubernetesEnvironment.start(input(fake));
    expect(env).toMatchObject({ kind: "kubernetes", isLocal: false, target: "kubernetes fake-cluster/chaos", bucket: "midi" });
    expect(env.pipelineConfig("lakh/", { database: "run_1" })).toEqual({
      databaseUrl: "postgres://scale:pw-not-logged@127.0.0.1:1/run_1",
      s3: {
        endpoint: "http://127.0.0.1:19000",
        region: "us-east-1",
        bucket: "midi",
        prefix: "lakh/",
        forcePathStyle: true,
        credentials: { accessKeyId: "minio", secretAccessKey: "minio-secret" },
      },
    });
  });

  it("refuses to start on a namespace without the allow-chaos mark", async () => {
    await using fake = await FakeKubeApi.start(DEFAULT_FAKE_OPTIONS);
    await expect(KubernetesEnvironment.start(input(fake, { namespace: "unmarked" }))).rejects.toThrow(ChaosRefusedError);
    expect(fake.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("names the bad field of its configuration", async () => {
    await using fake = await FakeKubeApi.start(DEFAULT_FAKE_OPTIONS);
    const bad = input(fake);
    await expect(KubernetesEnvironment.start({ ...bad, database: { url: "mysql://x" } })).rejects.toThrow(
      new KubernetesConfigError("database.url", "must be a postgres:// connection string"),
    );
    await expect(KubernetesEnvironment.start({ ...bad, s3: { ...bad.s3, inClusterPort: 0 } })).rejects.toThrow(/s3.inClusterPort/);
    await expect(KubernetesEnvironment.start({ ...bad, target: { ...bad.target, allowedNamespaces: [] } })).rejects.toThrow(
      /allowedNamespaces must list at least one namespace/,
    );
  });

  it("launches the pipeline as a Job, reads its progress through the pod proxy, and kill() deletes the pod at once", async () => {
    await using fake = await FakeKubeApi.start(DEFAULT_FAKE_OPTIONS);
    await using env = await KubernetesEnvironment.start(input(fake));
    const process = await env.launchPipeline({ prefix: "lakh/", database: "run_1", writeBatchFiles: 5, requestTimeoutMs: 2_000 });
    expect(process.id).toMatch(/^pod scale-run-1-[0-9a-f]{6}-[0-9a-f]{5}$/);

    const [job] = fake.requestsMatching("POST", "/jobs").map(
      (request) =>
        request.body as {
          spec: {
            backoffLimit: number;
            template: { metadata: { labels: Record<string, string> }; spec: { containers: { args: string[]; image: string; envFrom: unknown[] }[] } };
          };
        },
    );
    expect(job!.spec.backoffLimit).toBe(0);
    expect(job!.spec.template.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "scale" });
    const container = job!.spec.template.spec.containers[0]!;
    expect(container.image).toBe("registry.example/chaos-control:test");
    expect(container.args).toEqual([
      "--prefix=lakh/",
      "--bucket=midi",
      "--region=us-east-1",
      "--s3-endpoint=http://minio.chaos.svc:9000",
      "--metrics-port=9464",
      "--metrics-host=0.0.0.0",
      "--write-batch-files=5",
      "--request-timeout-ms=2000",
      "--json",
    ]);
    expect(JSON.stringify(job)).not.toContain("pw-not-logged");
    expect(JSON.stringify(job)).not.toContain("minio-secret");
    const [secret] = fake.requestsMatching("POST", "/secrets").map((request) => request.body as { stringData: Record<string, string> });
    expect(secret!.stringData.DATABASE_URL).toBe("postgres://scale:pw-not-logged@scale-postgresql.chaos.svc:5432/run_1");

    await new Promise((resolve) => setTimeout(resolve, 60));
    const first = await process.progress();
    expect(first).toMatchObject({ quarantined: 2, retries: 4 });
    expect(first.objectsDone).toBe(first.pairsWritten / 2 + 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await process.progress()).objectsDone).toBeGreaterThan(first.objectsDone);
    const podName = process.id.slice("pod ".length);
    expect(fake.requestsMatching("GET", `/pods/${podName}:9464/proxy/metrics`).length).toBeGreaterThanOrEqual(2);

    expect(await process.kill()).toEqual({ id: process.id, signal: "SIGKILL" });
    expect(fake.requestsMatching("DELETE", `/pods/${podName}`)[0]?.query).toEqual({ gracePeriodSeconds: "0" });
    expect(await process.exited).toEqual({ code: null, signal: "SIGKILL", outputTail: "" });
    await expect(process.progress()).rejects.toThrow(/GET metrics of pod chaos\/.*:9464 failed \(HTTP 404\)/);

    await process.stop();
    expect(fake.store.list("batch/v1/jobs")).toEqual([]);
    expect(fake.store.list("v1/secrets")).toEqual([]);
  });

  it("exited reports the pod's exit code and log tail when the run ends by itself", async () => {
    await using fake = await FakeKubeApi.start(DEFAULT_FAKE_OPTIONS);
    await using env = await KubernetesEnvironment.start(input(fake));
    const process = await env.launchPipeline({ prefix: "", database: "run_2" });
    fake.jobs.finish(process.id.slice("pod ".length), 1);
    expect(await process.exited).toEqual({ code: 1, signal: null, outputTail: "pipeline started\npipeline failed (exit 1)\n" });
  });

  it("stop() ends a running pipeline gracefully and deletes its Job and Secret; the environment's stop() does so for every launch", async () => {
    await using fake = await FakeKubeApi.start(DEFAULT_FAKE_OPTIONS);
    const env = await KubernetesEnvironment.start(input(fake));
    const first = await env.launchPipeline({ prefix: "", database: "run_3" });
    await env.launchPipeline({ prefix: "", database: "run_4" });
    await first.stop();
    expect(fake.requestsMatching("DELETE", `/pods/${first.id.slice(4)}`)[0]?.query).toEqual({ gracePeriodSeconds: "10" });
    expect(await first.exited).toMatchObject({ code: null, signal: "SIGTERM" });
    expect(fake.store.list("batch/v1/jobs")).toHaveLength(1);
    await env.stop();
    expect(fake.store.list("batch/v1/jobs")).toEqual([]);
    expect(fake.store.list("v1/secrets")).toEqual([]);
  });

  it("a pod that does not start in time fails the launch, and its Job and Secret are deleted again", async () => {
    await using fake = await FakeKubeApi.start(DEFAULT_FAKE_OPTIONS);
    const config = input(fake);
    await using env = await KubernetesEnvironment.start({ ...config, pipeline: { ...config.pipeline, startTimeoutMs: 1 } });
    await expect(env.launchPipeline({ prefix: "", database: "run_6" })).rejects.toThrow(/waiting for the pod of Job chaos\/scale-run-6-[0-9a-f]{6} to start/);
    expect(fake.requestsMatching("POST").map((request) => request.path)).toEqual(["/api/v1/namespaces/chaos/secrets", "/apis/batch/v1/namespaces/chaos/jobs"]);
    expect(fake.store.list("batch/v1/jobs")).toEqual([]);
    expect(fake.store.list("v1/secrets")).toEqual([]);
  });

  it("in dry-run, launching prints the Job and a redacted Secret and creates nothing", async () => {
    await using fake = await FakeKubeApi.start(DEFAULT_FAKE_OPTIONS);
    const logs: string[] = [];
    await using env = await KubernetesEnvironment.start(input(fake, { dryRun: true }, logs));
    const process = await env.launchPipeline({ prefix: "", database: "run_5" });
    expect(await process.exited).toMatchObject({ code: null, outputTail: expect.stringContaining("dry-run") });
    await expect(process.progress()).rejects.toThrow(/dry-run/);
    expect(fake.requests.filter((request) => request.method !== "GET")).toEqual([]);
    expect(logs.join("\n")).toContain("would create Job chaos/scale-run-5-");
    expect(logs.join("\n")).toContain("DATABASE_URL: <redacted>");
    expect(logs.join("\n")).not.toContain("pw-not-logged");
    expect(logs.join("\n")).not.toContain("minio-secret");
  });

  it("ping times an S3 object HEAD, and fails when Postgres cannot be reached", async () => {
    const heads: string[] = [];
    const s3 = createServer((request, response) => {
      heads.push(`${request.method} ${request.url}`);
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => s3.listen(0, "127.0.0.1", resolve));
    try {
      await using fake = await FakeKubeApi.start(DEFAULT_FAKE_OPTIONS);
      const config = input(fake);
      await using env = await KubernetesEnvironment.start({
        ...config,
        s3: { ...config.s3, endpoint: `http://127.0.0.1:${(s3.address() as AddressInfo).port}` },
      });
      expect(await env.ping("s3", 2_000)).toBeGreaterThan(0);
      expect(heads).toEqual(["HEAD /midi/.chaos-control/ping"]);
      await expect(env.ping("postgres", 1_000)).rejects.toThrow(/ECONNREFUSED|connect/);
    } finally {
      s3.closeAllConnections();
      s3.close();
    }
  });
});
