import type { FaultRecord, Journal } from "../../core/index.ts";
import { PrometheusQueryError } from "../errors.ts";

/** A stretch of wall-clock time, e.g. while a fault was in effect. */
export interface TimeWindow {
  from: Date;
  until: Date;
}

/** One series Prometheus stored, with the raw samples of its scrapes. */
export interface PrometheusSeries {
  labels: Readonly<Record<string, string>>;
  /** Oldest first; `at` is the scrape's own timestamp. */
  samples: { at: Date; value: number }[];
}

const QUERY_TIMEOUT_MS = 10_000;

/**
 * When `fault` was in effect on the wall clock: the journal's start plus the
 * fault's injection and removal, which the journal keeps as monotonic
 * milliseconds from that start.
 */
export function faultWindow(journal: Pick<Journal, "startedAt">, fault: Pick<FaultRecord, "name" | "injectedAt" | "removedAt">): TimeWindow {
  if (fault.injectedAt === null || fault.removedAt === null) throw new Error(`fault "${fault.name}" was not both injected and removed: it has no window`);
  const start = Date.parse(journal.startedAt);
  return { from: new Date(start + fault.injectedAt), until: new Date(start + fault.removedAt) };
}

/**
 * The raw samples Prometheus stored for `selector` (a series selector such as
 * `up{pod="scale-…"}`) whose scrape happened inside `window`.
 *
 * It asks for the range vector `selector[<window>s]` at the window's end, not
 * /api/v1/query_range: query_range evaluates at each step with a five-minute
 * lookback, so a target that stopped being scraped still "has" a value at
 * every step for five minutes and stale data would pass for fresh. A range
 * vector holds only samples really scraped in the range (no staleness markers).
 */
export async function prometheusSamples(
  baseUrl: string,
  selector: string,
  window: TimeWindow,
  options: { timeoutMs?: number } = {},
): Promise<PrometheusSeries[]> {
  const seconds = Math.max(1, Math.ceil((window.until.getTime() - window.from.getTime()) / 1000));
  const query = `${selector}[${seconds}s]`;
  const url = new URL("api/v1/query", baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  url.searchParams.set("query", query);
  url.searchParams.set("time", (window.until.getTime() / 1000).toFixed(3));
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? QUERY_TIMEOUT_MS), headers: { accept: "application/json" } });
  } catch (error) {
    throw new PrometheusQueryError(query, 0, `cannot reach ${url.origin}: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  let body: {
    status?: string;
    error?: string;
    errorType?: string;
    data?: { resultType?: string; result?: { metric: Record<string, string>; values?: [number, string][] }[] };
  };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new PrometheusQueryError(query, response.status, `not a Prometheus API answer: ${text.slice(0, 200)}`);
  }
  if (!response.ok || body.status !== "success")
    throw new PrometheusQueryError(query, response.status, body.error ? `${body.errorType ?? "error"}: ${body.error}` : `status ${body.status ?? "missing"}`);
  if (body.data?.resultType !== "matrix")
    throw new PrometheusQueryError(query, response.status, `expected a matrix, got ${body.data?.resultType ?? "nothing"}`);
  const from = window.from.getTime();
  const until = window.until.getTime();
  return (body.data.result ?? []).map((series) => ({
    labels: series.metric,
    samples: (series.values ?? [])
      .map(([at, value]) => ({ at: new Date(at * 1000), value: Number(value) }))
      .filter((sample) => sample.at.getTime() >= from && sample.at.getTime() <= until),
  }));
}
