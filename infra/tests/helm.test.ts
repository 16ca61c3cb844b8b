import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { hasTool, needs, ROOT, run } from "./infra-tools.ts";

/** A parsed document, checked field by field (`any` keeps those checks short). */
type Json = Record<string, any>;

const HELM = join(ROOT, "infra/helm");
const POOL = "scale.chaos-control/pool";
const MONITORING_TOLERATION = { key: POOL, operator: "Equal", value: "monitoring", effect: "NoSchedule" };
const script = readFileSync(join(HELM, "install.sh"), "utf8");

function values(chart: string, environment?: string): Json {
  return parse(readFileSync(join(HELM, chart, environment ? `values-${environment}.yaml` : "values.yaml"), "utf8")) as Json;
}

function onMonitoringNodes(spec: Json, where: string): void {
  expect(spec?.nodeSelector, where).toEqual({ [POOL]: "monitoring" });
  expect(spec?.tolerations, where).toEqual([MONITORING_TOLERATION]);
}

function allKeys(value: unknown, path = ""): string[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value as Json).flatMap(([key, inner]) => [`${path}${key}`, ...allKeys(inner, `${path}${key}.`)]);
}

describe("Helm values in infra/helm", () => {
  const charts = readdirSync(HELM).filter((entry) => statSync(join(HELM, entry)).isDirectory());

  it("parse, and hold no passwords", () => {
    expect(charts.sort()).toEqual(["chaos-mesh", "kube-prometheus-stack", "postgresql", "pushgateway"]);
    for (const chart of charts) {
      for (const file of readdirSync(join(HELM, chart)).filter((f) => f.endsWith(".yaml"))) {
        const parsed = parse(readFileSync(join(HELM, chart, file), "utf8")) as Json;
        for (const key of allKeys(parsed)) expect(key, `${chart}/${file}`).not.toMatch(/(^|\.)(adminPassword|password|postgresPassword|replicationPassword)$/i);
      }
    }
  });

  it("Chaos Mesh: containerd socket, only annotated namespaces, daemons only on pipeline nodes", () => {
    const common = values("chaos-mesh");
    expect(common.chaosDaemon.runtime).toBe("containerd");
    expect(common.chaosDaemon.socketPath).toBe("/run/containerd/containerd.sock");
    expect(common.controllerManager.enableFilterNamespace).toBe(true);
    expect(common.dashboard.securityMode).toBe(true);
    const staging = values("chaos-mesh", "staging");
    expect(staging.chaosDaemon.nodeSelector).toEqual({ [POOL]: "pipeline" });
    expect(staging.chaosDaemon.tolerations).toBeUndefined();
    onMonitoringNodes(staging.controllerManager, "controllerManager");
    onMonitoringNodes(staging.dashboard, "dashboard");
  });

  it("Chaos Mesh: a release without CVE-2025-59358, its unauthenticated ctrl server switched off explicitly", () => {
    const pinned = /^CHAOS_MESH_VERSION="(\d+)\.(\d+)\.(\d+)"$/m.exec(script)?.slice(1).map(Number);
    expect(pinned, "CHAOS_MESH_VERSION in install.sh").toHaveLength(3);
    const [major, minor, patch] = pinned!;
    // Fixed in 2.7.3 (the ctrl server off by default); gone in the 2.8 line.
    const fixed = major! > 2 || (major === 2 && (minor! > 7 || (minor === 7 && patch! >= 3)));
    expect(fixed, `Chaos Mesh ${pinned!.join(".")} exposes the ctrl server (CVE-2025-59358): pin 2.7.3 or later`).toBe(true);
    // A top-level value of the chart, not one under controllerManager: a misplaced key would be ignored silently.
    const common = values("chaos-mesh");
    expect(common.enableCtrlServer).toBe(false);
    expect(common.controllerManager).not.toHaveProperty("enableCtrlServer");
    expect(values("chaos-mesh", "staging").enableCtrlServer ?? false, "values-staging.yaml turns it back on").toBe(false);
  });

  it("kube-prometheus-stack: Grafana persists and is provisioned from Git; everything on the monitoring nodes in staging", () => {
    const common = values("kube-prometheus-stack");
    expect(common.grafana.persistence).toMatchObject({ enabled: true, type: "pvc" });
    expect(common.grafana.deploymentStrategy.type).toBe("Recreate");
    expect(common.grafana.admin.existingSecret).toBeTruthy();
    expect(common.grafana.sidecar.dashboards).toMatchObject({ enabled: true, label: "grafana_dashboard" });
    expect(script).toContain("grafana_dashboard=1");
    for (const selector of ["serviceMonitorSelectorNilUsesHelmValues", "podMonitorSelectorNilUsesHelmValues", "ruleSelectorNilUsesHelmValues"]) {
      expect(common.prometheus.prometheusSpec[selector], selector).toBe(false);
    }
    expect(common.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toMatch(/Gi$/);
    const staging = values("kube-prometheus-stack", "staging");
    onMonitoringNodes(staging.prometheus.prometheusSpec, "prometheus");
    onMonitoringNodes(staging.alertmanager.alertmanagerSpec, "alertmanager");
    onMonitoringNodes(staging.grafana, "grafana");
    onMonitoringNodes(staging.prometheusOperator, "prometheusOperator");
    onMonitoringNodes(staging["kube-state-metrics"], "kube-state-metrics");
  });

  it("kube-prometheus-stack: chaos faults mute the pipeline's warnings, never its critical alerts", () => {
    const { inhibit_rules: inhibitRules } = values("kube-prometheus-stack").alertmanager.config;
    const chaos = inhibitRules.find((rule: Json) => rule.source_matchers.some((m: string) => m.includes("ChaosFaultInjected")));
    expect(chaos.target_matchers).toContain('severity = "warning"');
    expect(chaos.target_matchers.join()).not.toContain("critical");
    expect(readFileSync(join(ROOT, "infra/prometheus/rules/scale-pipeline.rules.yml"), "utf8")).toContain("alert: ChaosFaultInjected");
  });

  it("PostgreSQL: replication with one primary and two read replicas, passwords from a Secret", () => {
    const common = values("postgresql");
    expect(common.architecture).toBe("replication");
    expect(common.readReplicas.replicaCount).toBe(2);
    expect(common.auth.existingSecret).toBe("scale-postgresql-auth");
    expect(Object.keys(common.auth.secretKeys).sort()).toEqual(["adminPasswordKey", "replicationPasswordKey", "userPasswordKey"]);
    expect(common.image.tag).toMatch(/^\d+\.\d+\.\d+/);
    const staging = values("postgresql", "staging");
    expect(staging.primary.nodeSelector).toEqual({ [POOL]: "pipeline" });
    expect(staging.readReplicas.nodeSelector).toEqual({ [POOL]: "pipeline" });
    // The pipeline's DATABASE_URL points at the primary service of release "scale".
    expect(script).toMatch(/helm_release scale oci:\/\/registry-1\.docker\.io\/bitnamicharts\/postgresql/);
    expect(readFileSync(join(ROOT, "infra/k8s/base/secret.example.yaml"), "utf8")).toContain("@scale-postgresql-primary:5432/scale");
  });

  it("Pushgateway: scraped with the pushed labels kept, no volume to resurrect stale faults", () => {
    const common = values("pushgateway");
    expect(common.serviceMonitor).toMatchObject({ enabled: true, honorLabels: true, namespace: "monitoring" });
    expect(common.persistentVolume.enabled).toBe(false);
    onMonitoringNodes(values("pushgateway", "staging"), "pushgateway");
  });
});

describe("infra/helm/install.sh", () => {
  const releases = [...script.matchAll(/^\s*helm_release (\S+) (\S+) "\$(\w+)" \\?\s*\n?\s*"?\$?(\w+)"? (\S+)/gm)].map(
    ([, name, chart, versionVariable, namespace, valuesDir]) => ({
      name: name!,
      chart: chart!,
      versionVariable: versionVariable!,
      namespace: namespace!,
      valuesDir: valuesDir!,
    }),
  );

  it("is valid bash that stops on the first error", () => {
    const result = run("bash", ["-n", "infra/helm/install.sh"]);
    expect(result.status, result.stderr).toBe(0);
    expect(script.startsWith("#!/usr/bin/env bash\n")).toBe(true);
    expect(script).toContain("set -euo pipefail");
  });

  it(`passes shellcheck${needs("shellcheck")}`, { skip: !hasTool("shellcheck") }, () => {
    const result = run("shellcheck", ["--severity=style", "infra/helm/install.sh"]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it("installs every chart at a pinned version with its values", () => {
    expect(releases.map((release) => release.name)).toEqual(["kube-prometheus-stack", "pushgateway", "chaos-mesh", "scale"]);
    for (const release of releases) {
      expect(script, release.versionVariable).toMatch(new RegExp(`^${release.versionVariable}="\\d+\\.\\d+\\.\\d+"`, "m"));
      expect(statSync(join(HELM, release.valuesDir, "values.yaml")).isFile(), release.valuesDir).toBe(true);
    }
  });

  it("installs monitoring before Chaos Mesh, outside the pipeline namespace", () => {
    expect(script.indexOf("helm_release kube-prometheus-stack")).toBeLessThan(script.indexOf("helm_release chaos-mesh"));
    expect(script.indexOf("helm_release pushgateway")).toBeLessThan(script.indexOf("helm_release chaos-mesh"));
    expect(script).toMatch(/^MONITORING_NAMESPACE="monitoring"$/m);
    expect(script).toMatch(/ensure_namespace "\$PIPELINE_NAMESPACE" chaos/);
    expect(script).toContain("chaos-control.io/allow-chaos=true");
    expect(script).not.toMatch(/ensure_namespace "\$MONITORING_NAMESPACE" chaos/);
  });

  it("applies the generated PrometheusRule and the dashboards", () => {
    expect(script).toContain('"$INFRA/prometheus/prometheus-rule.yaml"');
    expect(script).toContain('--from-file="$INFRA/grafana"');
  });

  it("names the Pushgateway service the nightly workflow port-forwards to", () => {
    const nightly = readFileSync(join(ROOT, ".github/workflows/nightly.yml"), "utf8");
    const pushgateway = releases.find((release) => release.chart.endsWith("/prometheus-pushgateway"))!;
    expect(nightly).toContain(`svc/${pushgateway.name}-prometheus-pushgateway`);
  });
});
