// Generates prometheus-rule.yaml, the PrometheusRule the Prometheus Operator
// loads, from rules/scale-pipeline.rules.yml, which stays the one file to edit
// (promtool checks and tests it as it is). Run after changing the rules:
//   node infra/prometheus/render-prometheus-rule.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

export const RULES_FILE = fileURLToPath(new URL("rules/scale-pipeline.rules.yml", import.meta.url));
export const PROMETHEUS_RULE_FILE = fileURLToPath(new URL("prometheus-rule.yaml", import.meta.url));

/** The PrometheusRule manifest for the rule groups in `rulesText`. */
export function renderPrometheusRule(rulesText) {
  const { groups } = parse(rulesText);
  const manifest = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name: "scale-pipeline",
      namespace: "monitoring",
      labels: { "app.kubernetes.io/part-of": "chaos-control", release: "kube-prometheus-stack" },
    },
    spec: { groups },
  };
  const header = "# Generated from rules/scale-pipeline.rules.yml by render-prometheus-rule.mjs: edit that file, not this one.\n";
  return header + stringify(manifest, { lineWidth: 0 });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(PROMETHEUS_RULE_FILE, renderPrometheusRule(readFileSync(RULES_FILE, "utf8")));
  process.stdout.write(`wrote ${PROMETHEUS_RULE_FILE}\n`);
}
