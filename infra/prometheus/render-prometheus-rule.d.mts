/** Path of rules/scale-pipeline.rules.yml, the rules' one source. */
export const RULES_FILE: string;
/** Path of prometheus-rule.yaml, generated from it. */
export const PROMETHEUS_RULE_FILE: string;
/** The PrometheusRule manifest (YAML) holding the rule groups of `rulesText`. */
export function renderPrometheusRule(rulesText: string): string;
