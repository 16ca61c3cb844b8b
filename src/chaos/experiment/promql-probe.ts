import { checkExpectation, describeExpectation, satisfies, type ValueExpectation } from "./probe-comparison.ts";
import { describeError, displayUrl, genericProbe, timeoutOf, type GenericProbeOptions } from "./generic-probe.ts";
import type { Probe } from "./probe.ts";

/** Options of {@link promqlProbe}; plain data except a function `expect`. */
export interface PromqlProbeOptions extends GenericProbeOptions {
  /** Base URL of the Prometheus HTTP API, e.g. `http://prometheus:9090` (the probe calls `/api/v1/query` below it). */
  prometheusUrl: string;
  /** An instant query giving a scalar or a vector of one series (aggregate with `sum`/`max` where there are more). */
  query: string;
  expect: ValueExpectation;
  /** Unit of the value in reports (default "value"). */
  unit?: string;
  /** The value of an empty vector (e.g. 0 for an error rate before any error); without it an empty vector is a failed sample. */
  whenEmpty?: number;
  /** Request headers (a bearer token); never shown in reports. */
  headers?: Readonly<Record<string, string>>;
}

/** The parts of the Prometheus HTTP API's answer to `/api/v1/query` that the probe reads. */
interface QueryResponse {
  status?: "success" | "error";
  data?: { resultType?: string; result?: unknown };
  errorType?: string;
  error?: string;
}

/** An instant PromQL query per sample; its scalar, or its one series' value, compared. */
export function promqlProbe(options: PromqlProbeOptions): Probe {
  const field = `promqlProbe "${options?.name}"`;
  if (typeof options.query !== "string" || options.query.trim() === "") throw new Error(`${field}: query is required`);
  const endpoint = queryEndpoint(options.prometheusUrl, `${field}: prometheusUrl`);
  const expect = checkExpectation(options.expect, `${field}: expect`);
  if (options.whenEmpty !== undefined && !Number.isFinite(options.whenEmpty))
    throw new Error(`${field}: whenEmpty must be a finite number, got ${options.whenEmpty}`);
  const timeoutMs = timeoutOf(options, "promqlProbe");
  const unit = options.unit ?? "value";
  return genericProbe(options, {
    kind: "promqlProbe",
    unit,
    tolerance: `${options.query} on ${displayUrl(endpoint.href)} is ${describeExpectation(expect, unit === "value" ? "" : unit)}`,
    measure: async () => {
      const url = new URL(endpoint);
      url.searchParams.set("query", options.query);
      url.searchParams.set("timeout", `${Math.max(1, Math.floor(timeoutMs / 1000))}s`);
      let status: number;
      let body: QueryResponse;
      try {
        const response = await fetch(url, { headers: options.headers, signal: AbortSignal.timeout(timeoutMs) });
        status = response.status;
        body = (await response.json().catch(() => ({}))) as QueryResponse;
      } catch (error) {
        if ((error as Error).name === "TimeoutError") throw new Error(`Prometheus did not answer within ${timeoutMs} ms`, { cause: error });
        throw new Error(`Prometheus: ${describeError(error)}`, { cause: error });
      }
      if (body.status !== "success") throw new Error(`Prometheus answered ${status}: ${body.errorType ?? "no JSON"}${body.error ? `: ${body.error}` : ""}`);
      return resultValue(body.data ?? {}, options.whenEmpty);
    },
    accepts: (value) => satisfies(value, expect),
  });
}

function queryEndpoint(base: string, field: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new Error(`${field} is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`${field} must be http: or https:, got ${parsed.protocol}`);
  return new URL("api/v1/query", parsed.href.endsWith("/") ? parsed : `${parsed.href}/`);
}

function resultValue(data: NonNullable<QueryResponse["data"]>, whenEmpty: number | undefined): number {
  const { resultType, result } = data;
  if (resultType === "scalar") return sampleValue((result as [number, string])[1]);
  if (resultType !== "vector") throw new Error(`the query gave a ${resultType ?? "missing"} result; a probe needs a scalar or an instant vector`);
  const series = result as { metric: Record<string, string>; value: [number, string] }[];
  if (series.length === 0) {
    if (whenEmpty !== undefined) return whenEmpty;
    throw new Error("the query returned no series");
  }
  if (series.length > 1) throw new Error(`the query returned ${series.length} series; aggregate them (sum, max, …) to one`);
  return sampleValue(series[0]!.value[1]);
}

/** Prometheus sends sample values as strings: "1.5", "+Inf", "-Inf", "NaN". */
function sampleValue(text: string): number {
  const value = text === "+Inf" ? Infinity : text === "-Inf" ? -Infinity : Number(text);
  if (Number.isNaN(value)) throw new Error(`the query's value is ${JSON.stringify(text)}, not a number`);
  return value;
}
