import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROMETHEUS_RULE_FILE, RULES_FILE, renderPrometheusRule } from "../prometheus/render-prometheus-rule.mjs";
import { CHAOS_SERIES, hasTool, metricNamesIn, needs, pipelineSeriesNames, run } from "./infra-tools.ts";

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rulesText = readFileSync(RULES_FILE, "utf8");
const groups = (parse(rulesText) as { groups: Array<{ name: string; rules: Rule[] }> }).groups;
const rules = groups.flatMap((group) => group.rules);
/** From kube-state-metrics (kube-prometheus-stack), for the Job-level alert. */
const KUBE_STATE_SERIES = new Set(["kube_job_failed"]);

describe("the pipeline's Prometheus rules", () => {
  it(`pass promtool check rules${needs("promtool")}`, { skip: !hasTool("promtool") }, () => {
    const result = run("promtool", ["check", "rules", RULES_FILE]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("SUCCESS");
  });

  it(`pass their promtool unit tests${needs("promtool")}`, { skip: !hasTool("promtool") }, () => {
    const result = run("promtool", ["test", "rules", "infra/prometheus/tests/scale-pipeline.test.yml"]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toContain("SUCCESS");
  });

  it("cover throughput, retries, quarantines, stalls, failed runs and chaos faults", () => {
    const alerts = new Set(rules.map((rule) => rule.alert).filter(Boolean));
    for (const alert of [
      "ScalePipelineStalled",
      "ScaleRunFailed",
      "ScaleRetryRateHigh",
      "ScaleQuarantineRatioHigh",
      "ChaosFaultInjected",
      "ChaosFaultActiveTooLong",
    ]) {
      expect(alerts).toContain(alert);
    }
    const selected = new Set(rules.flatMap((rule) => [...metricNamesIn(rule.expr)]));
    for (const series of [
      "scale_objects_parsed_total",
      "scale_rows_written_total",
      "scale_retries_total",
      "scale_objects_quarantined_total",
      "scale_last_successful_write_timestamp_seconds",
      "scale_runs_finished_total",
      "scale_stage_duration_seconds_bucket",
      CHAOS_SERIES,
    ]) {
      expect(selected).toContain(series);
    }
    expect(rules.find((rule) => rule.alert === "ScaleRunFailed")!.expr).toContain('status="failed"');
  });

  it("select only series the pipeline exports, the chaos gauge, kube-state-metrics' Job status, or their own recordings", () => {
    const known = new Set([...pipelineSeriesNames(), CHAOS_SERIES, ...KUBE_STATE_SERIES, ...rules.flatMap((rule) => (rule.record ? [rule.record] : []))]);
    expect(pipelineSeriesNames().size).toBeGreaterThan(5);
    for (const rule of rules) {
      for (const name of metricNamesIn(rule.expr)) expect(known, `${rule.alert ?? rule.record}: ${name}`).toContain(name);
    }
  });

  it("give every alert a severity, a team and a summary; recording names follow level:metric:operations", () => {
    for (const rule of rules) {
      if (rule.alert) {
        expect(rule.labels?.severity, rule.alert).toMatch(/^(critical|warning|info)$/);
        expect(rule.labels?.team, rule.alert).toBe("scale");
        expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      } else {
        expect(rule.record).toMatch(/^[a-z_]+:[a-z_]+:[a-z0-9_]+$/);
      }
    }
  });

  it("are what the cluster's PrometheusRule holds (regenerate with node infra/prometheus/render-prometheus-rule.mjs)", () => {
    const committed = readFileSync(PROMETHEUS_RULE_FILE, "utf8");
    expect(committed).toBe(renderPrometheusRule(rulesText));
    const manifest = parse(committed) as { apiVersion: string; kind: string; metadata: { namespace: string }; spec: { groups: unknown } };
    expect(manifest.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(manifest.kind).toBe("PrometheusRule");
    expect(manifest.metadata.namespace).toBe("monitoring");
    expect(manifest.spec.groups).toEqual(groups);
  });
});
