import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The command-line tools these tests use, and where each comes from. A test
 * that needs a missing one is skipped and its title says how to get it.
 */
export const TOOL_SOURCES = {
  kubectl: "kubectl 1.27 or later, with kustomize 5 (preinstalled here and on GitHub runners; Debian's kubernetes-client is too old)",
  promtool: "Debian package prometheus",
  shellcheck: "Debian package shellcheck",
  terraform: "terraform from HashiCorp (Debian does not package it)",
} as const;

/** The Debian packages that provide tools of {@link TOOL_SOURCES}. */
export const DEBIAN_PACKAGES = { promtool: "prometheus", shellcheck: "shellcheck" } as const;

export type ToolName = keyof typeof TOOL_SOURCES;

const found = new Map<ToolName, boolean>();

/** Whether `tool` is on the PATH. */
export function hasTool(tool: ToolName): boolean {
  let present = found.get(tool);
  if (present === undefined) {
    present = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).status === 0;
    found.set(tool, present);
  }
  return present;
}

/** The suffix of a test title that needs `tool`, saying so when it is skipped. */
export function needs(tool: ToolName): string {
  return hasTool(tool) ? "" : ` (skipped: ${tool} not installed; install ${TOOL_SOURCES[tool]})`;
}

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in the repository root. */
export function run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): CommandResult {
  const result = spawnSync(command, args, { cwd: options.cwd ?? ROOT, encoding: "utf8", timeout: options.timeoutMs ?? 60_000 });
  return { status: result.status, stdout: result.stdout ?? "", stderr: (result.stderr ?? "") + (result.error ? String(result.error) : "") };
}

export function readRepoFile(path: string): string {
  return readFileSync(new URL(path, `file://${ROOT}`), "utf8");
}

/**
 * Every series name the pipeline exports: the `name:` of each metric in
 * src/pipeline/metrics.ts, with a histogram's _bucket, _sum and _count.
 */
export function pipelineSeriesNames(): Set<string> {
  const source = readRepoFile("src/pipeline/metrics.ts");
  const names = new Set<string>();
  for (const match of source.matchAll(/new (Counter|Gauge|Histogram|Summary)\(\{\s*name:\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"/g)) {
    const [, kind, name] = match as unknown as [string, string, string];
    names.add(name);
    if (kind === "Histogram" || kind === "Summary") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
  }
  return names;
}

/** The series the chaos suite pushes to the Pushgateway while a fault is in effect. */
export const CHAOS_SERIES = "chaos_fault_active";

/** Every series the chaos suite pushes: the fault series and each experiment's outcome, read from the registry it pushes. */
export async function chaosSeriesNames(): Promise<string[]> {
  const { faultActivityRegistry } = await import("../../src/chaos/experiment/index.ts");
  return faultActivityRegistry.getMetricsAsArray().map((metric) => metric.name);
}

const PROMQL_KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "inf",
  "nan",
  "atan2",
]);

/**
 * The metric names a PromQL expression selects: identifiers that are not
 * functions, keywords, label names (inside braces or grouping clauses),
 * durations or Grafana variables.
 */
export function metricNamesIn(expr: string): Set<string> {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\$\{?\w+\}?/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const match of stripped.matchAll(/\d+(?:\.\d+)?[a-zA-Z]*|[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const token = match[0];
    if (/^\d/.test(token) || PROMQL_KEYWORDS.has(token.toLowerCase())) continue;
    const after = stripped.slice((match.index ?? 0) + token.length);
    if (/^\s*\(/.test(after)) continue;
    names.add(token);
  }
  return names;
}
