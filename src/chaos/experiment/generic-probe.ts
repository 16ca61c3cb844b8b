import type { Probe, ProbeContext } from "./probe.ts";

/** What every generic probe (HTTP, SQL, PromQL, command) is declared with. */
export interface GenericProbeOptions {
  /** Names the probe in the journal, reports and abort reasons; unique within an experiment. */
  name: string;
  /** Gives up measuring after this long, recorded as a failed sample (default 5 s). */
  timeoutMs?: number;
  /** Sampled only while the pipeline runs (default false: also before and after the method). */
  whilePipelineRuns?: boolean;
  /** Replaces the generated tolerance text of reports. */
  tolerance?: string;
}

/** Default {@link GenericProbeOptions.timeoutMs}. */
export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

/** Assembles a {@link Probe} whose tolerance does not depend on the baseline. */
export function genericProbe(
  options: GenericProbeOptions,
  probe: { kind: string; unit: string; tolerance: string; measure: (context: ProbeContext) => Promise<number>; accepts: (value: number) => boolean },
): Probe {
  const name = requireName(options, probe.kind);
  const tolerance = options.tolerance ?? probe.tolerance;
  return {
    name,
    unit: probe.unit,
    whilePipelineRuns: options.whilePipelineRuns ?? false,
    declaration: () => ({ name, unit: probe.unit, role: "hypothesis", tolerance }),
    measure: probe.measure,
    accepts: (value) => probe.accepts(value),
  };
}

/** The probe's timeout, validated. */
export function timeoutOf(options: GenericProbeOptions, kind: string): number {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new Error(`${kind} "${options.name}": timeoutMs must be a positive number of milliseconds, got ${options.timeoutMs}`);
  return timeoutMs;
}

function requireName(options: GenericProbeOptions, kind: string): string {
  if (typeof options?.name !== "string" || options.name.trim() === "") throw new Error(`${kind}: name is required`);
  return options.name;
}

/** A URL fit for reports and errors: scheme, host and path only, so user info and query tokens never leak. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(an unparsable URL)";
  }
}

/** An error's message followed by its causes' (fetch hides ECONNREFUSED in `cause`). */
export function describeError(error: unknown): string {
  const messages: string[] = [];
  for (let current = error; current !== undefined && current !== null && messages.length < 4; current = (current as { cause?: unknown }).cause) {
    messages.push(current instanceof Error ? current.message : String(current));
  }
  return messages.join(": ");
}
