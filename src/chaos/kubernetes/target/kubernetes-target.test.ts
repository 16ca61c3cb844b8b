import { describe, expect, it } from "vitest";
import { kubernetesEnvironmentInputFromEnv } from "../env/environment-from-env.ts";
import { KubernetesConfigError } from "../errors.ts";
import { resolveKubernetesTarget } from "./kubernetes-target.ts";
import { kubernetesTargetFromEnv } from "./target-from-env.ts";

function configError(run: () => unknown): KubernetesConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof KubernetesConfigError) return error;
    throw error;
  }
  throw new Error("expected a KubernetesConfigError");
}

describe("resolveKubernetesTarget", () => {
  it("fills defaults: workloads in the target namespace by app.kubernetes.io/name, no dry-run, bounded faults", () => {
    const target = resolveKubernetesTarget({ namespace: "scale-dev", allowedNamespaces: ["scale-dev"] });
    expect(target).toMatchObject({
      namespace: "scale-dev",
      dryRun: false,
      maxFaultDurationMs: 600_000,
      workloads: {
        postgres: { namespace: "scale-dev", labels: { "app.kubernetes.io/name": "postgresql" } },
        s3: { namespace: "scale-dev", labels: { "app.kubernetes.io/name": "minio" } },
        pipeline: { namespace: "scale-dev", labels: { "app.kubernetes.io/name": "scale" } },
        "postgres-replica": { namespace: "scale-dev", labels: { "app.kubernetes.io/name": "postgresql", "app.kubernetes.io/component": "read" } },
      },
    });
  });

  it.each<[string, Parameters<typeof resolveKubernetesTarget>[0], string]>([
    ["no allowed namespaces", { namespace: "a", allowedNamespaces: [] }, "allowedNamespaces"],
    ["a bad namespace", { namespace: "Scale_Dev", allowedNamespaces: ["a"] }, "namespace"],
    ["a bad allowed namespace", { namespace: "a", allowedNamespaces: ["a", "B"] }, "allowedNamespaces[1]"],
    ["an empty selector", { namespace: "a", allowedNamespaces: ["a"], workloads: { postgres: { labels: {} } } }, "workloads.postgres.labels"],
    ["a bad label", { namespace: "a", allowedNamespaces: ["a"], workloads: { s3: { labels: { "bad key!": "x" } } } }, "workloads.s3.labels.bad key!"],
    ["a zero timeout", { namespace: "a", allowedNamespaces: ["a"], injectTimeoutMs: 0 }, "injectTimeoutMs"],
  ])("refuses %s, naming the field", (_name, input, field) => {
    const error = configError(() => resolveKubernetesTarget(input));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(new RegExp(`^invalid Kubernetes configuration: ${field.replace(/[[\]!]/g, "\\$&")} `));
  });
});

describe("kubernetesTargetFromEnv", () => {
  const base = { CHAOS_NAMESPACE: "scale-dev", CHAOS_ALLOWED_NAMESPACES: "scale-dev, scale-data" };

  it("reads every variable", () => {
    const target = kubernetesTargetFromEnv({
      ...base,
      CHAOS_KUBECONFIG: "/tmp/kubeconfig",
      CHAOS_KUBE_CONTEXT: "kind-chaos",
      CHAOS_DRY_RUN: "true",
      CHAOS_POSTGRES_SELECTOR: "app.kubernetes.io/name=postgresql,app.kubernetes.io/component=primary",
      CHAOS_POSTGRES_NAMESPACE: "scale-data",
      CHAOS_S3_NAMESPACE: "scale-data",
      CHAOS_MAX_FAULT_DURATION_MS: "60000",
    });
    expect(target).toMatchObject({
      kubeconfigPath: "/tmp/kubeconfig",
      context: "kind-chaos",
      namespace: "scale-dev",
      allowedNamespaces: ["scale-dev", "scale-data"],
      dryRun: true,
      maxFaultDurationMs: 60_000,
      workloads: {
        postgres: { namespace: "scale-data", labels: { "app.kubernetes.io/name": "postgresql", "app.kubernetes.io/component": "primary" } },
        s3: { namespace: "scale-data", labels: { "app.kubernetes.io/name": "minio" } },
        pipeline: { namespace: "scale-dev" },
      },
    });
  });

  it("reads the Postgres replicas' selector and namespace from CHAOS_POSTGRES_REPLICA_*", () => {
    const target = kubernetesTargetFromEnv({ ...base, CHAOS_POSTGRES_REPLICA_SELECTOR: "app=pg,role=replica", CHAOS_POSTGRES_REPLICA_NAMESPACE: "scale-data" });
    expect(target.workloads["postgres-replica"]).toEqual({ namespace: "scale-data", labels: { app: "pg", role: "replica" } });
    expect(target.workloads.postgres.labels).toEqual({ "app.kubernetes.io/name": "postgresql" });
  });

  it.each<[string, Record<string, string>, string]>([
    ["a bad replica selector", { ...base, CHAOS_POSTGRES_REPLICA_SELECTOR: "app=a b" }, "CHAOS_POSTGRES_REPLICA_SELECTOR"],
    ["a bad replica namespace", { ...base, CHAOS_POSTGRES_REPLICA_NAMESPACE: "Data" }, "CHAOS_POSTGRES_REPLICA_NAMESPACE"],
    ["no namespace", { CHAOS_ALLOWED_NAMESPACES: "a" }, "CHAOS_NAMESPACE"],
    ["no allowed namespaces", { CHAOS_NAMESPACE: "a" }, "CHAOS_ALLOWED_NAMESPACES"],
    ["a bad allowed namespace", { ...base, CHAOS_ALLOWED_NAMESPACES: "scale-dev,Prod" }, "CHAOS_ALLOWED_NAMESPACES"],
    ["a bad dry-run flag", { ...base, CHAOS_DRY_RUN: "maybe" }, "CHAOS_DRY_RUN"],
    ["a selector that is not key=value", { ...base, CHAOS_S3_SELECTOR: "app" }, "CHAOS_S3_SELECTOR"],
    ["a bad label in a selector", { ...base, CHAOS_PIPELINE_SELECTOR: "app=a b" }, "CHAOS_PIPELINE_SELECTOR"],
    ["a bad workload namespace", { ...base, CHAOS_POSTGRES_NAMESPACE: "DATA" }, "CHAOS_POSTGRES_NAMESPACE"],
    ["a bad duration", { ...base, CHAOS_MAX_FAULT_DURATION_MS: "10m" }, "CHAOS_MAX_FAULT_DURATION_MS"],
  ])("refuses %s, naming the variable", (_name, env, variable) => {
    const error = configError(() => kubernetesTargetFromEnv(env));
    expect(error.field).toBe(variable);
    expect(error.message).toContain(variable);
  });

  it("builds an environment input too, naming the variable without echoing secrets", () => {
    const env = {
      ...base,
      CHAOS_DATABASE_URL: "postgres://u:hunter2@127.0.0.1:15432/postgres",
      CHAOS_S3_BUCKET: "midi",
      CHAOS_S3_PORT_IN_CLUSTER: "9000",
      CHAOS_PIPELINE_IMAGE: "chaos-control:dev",
    };
    expect(kubernetesEnvironmentInputFromEnv(env)).toMatchObject({
      database: { url: env.CHAOS_DATABASE_URL },
      s3: { bucket: "midi", inClusterPort: 9000 },
      pipeline: { image: "chaos-control:dev" },
    });
    const badUrl = configError(() => kubernetesEnvironmentInputFromEnv({ ...env, CHAOS_DATABASE_URL: "mysql://u:hunter2@db/x" }));
    expect(badUrl.field).toBe("CHAOS_DATABASE_URL");
    expect(badUrl.message).not.toContain("hunter2");
    expect(configError(() => kubernetesEnvironmentInputFromEnv({ ...env, CHAOS_S3_BUCKET: "" })).field).toBe("CHAOS_S3_BUCKET");
    expect(configError(() => kubernetesEnvironmentInputFromEnv({ ...env, CHAOS_S3_ACCESS_KEY_ID: "minio" })).field).toBe("CHAOS_S3_SECRET_ACCESS_KEY");
  });
});
