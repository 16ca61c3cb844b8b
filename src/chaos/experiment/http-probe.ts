import { compileBodyCheck, type BodyCheck } from "./body-check.ts";
import { DEFAULT_PROBE_TIMEOUT_MS, describeError, displayUrl, genericProbe, timeoutOf, type GenericProbeOptions } from "./generic-probe.ts";
import type { Probe } from "./probe.ts";

/** Accepted response statuses: one, a list, or an inclusive range. */
export type StatusExpectation = number | readonly number[] | { from: number; to: number };

/** Options of {@link httpProbe}; all but `body` as a function are plain data. */
export interface HttpProbeOptions extends GenericProbeOptions {
  url: string;
  /** Default GET. */
  method?: string;
  /** Request headers; may carry a token, so they never appear in reports. */
  headers?: Readonly<Record<string, string>>;
  requestBody?: string;
  /** Accepted statuses (default 200-299); any other is a failed sample naming the status. */
  status?: StatusExpectation;
  /** The whole exchange, body included, takes at most this long. */
  withinMs?: number;
  /** What the body must hold; a body that does not is a failed sample saying why. */
  body?: BodyCheck;
}

const SUCCESS: StatusExpectation = { from: 200, to: 299 };

/**
 * One HTTP request per sample. The value is the response time in ms (to
 * the last byte of the body); the sample fails when the status is not
 * accepted, the body check does not pass, the response is slower than
 * `withinMs` or does not come within the timeout.
 */
export function httpProbe(options: HttpProbeOptions): Probe {
  const field = `httpProbe "${options?.name}"`;
  const { url, headers } = withoutUserInfo(checkUrl(options.url, `${field}: url`), options.headers ?? {});
  const method = (options.method ?? "GET").toUpperCase();
  const status = checkStatus(options.status ?? SUCCESS, `${field}: status`);
  if (options.withinMs !== undefined && !(options.withinMs > 0))
    throw new Error(`${field}: withinMs must be a positive number of milliseconds, got ${options.withinMs}`);
  const timeoutMs = timeoutOf({ ...options, timeoutMs: options.timeoutMs ?? Math.max(DEFAULT_PROBE_TIMEOUT_MS, 2 * (options.withinMs ?? 0)) }, "httpProbe");
  const body = options.body === undefined ? undefined : compileBodyCheck(options.body, `${field}: body`);
  const request = `${method} ${displayUrl(url)}`;
  const tolerance = [
    `${request} answers ${describeStatus(status)}`,
    options.withinMs !== undefined && `within ${options.withinMs} ms`,
    body && `with ${body.description}`,
  ]
    .filter(Boolean)
    .join(" ");
  return genericProbe(options, {
    kind: "httpProbe",
    unit: "ms",
    tolerance,
    measure: async () => {
      const started = performance.now();
      let answered: { status: number; text: string };
      try {
        const response = await fetch(url, { method, headers, body: options.requestBody, signal: AbortSignal.timeout(timeoutMs) });
        answered = { status: response.status, text: await response.text() };
      } catch (error) {
        if ((error as Error).name === "TimeoutError") throw new Error(`${request} did not answer within ${timeoutMs} ms`, { cause: error });
        throw new Error(`${request}: ${describeError(error)}`, { cause: error });
      }
      const elapsedMs = Math.round((performance.now() - started) * 10) / 10;
      if (!statusAccepted(answered.status, status)) throw new Error(`${request} answered ${answered.status} (expected ${describeStatus(status)})`);
      const failure = body?.failure(answered.text);
      if (failure !== undefined) throw new Error(`${request} answered ${answered.status}, but ${failure}`);
      return elapsedMs;
    },
    accepts: (elapsedMs) => options.withinMs === undefined || elapsedMs <= options.withinMs,
  });
}

/** fetch refuses a URL with user info (and names the URL, password and all, in its error): it goes as Basic authentication instead. */
function withoutUserInfo(url: URL, headers: Readonly<Record<string, string>>): { url: string; headers: Record<string, string> } {
  if (url.username === "" && url.password === "") return { url: url.href, headers: { ...headers } };
  const credentials = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64");
  const explicit = Object.keys(headers).some((name) => name.toLowerCase() === "authorization");
  const bare = new URL(url);
  bare.username = "";
  bare.password = "";
  return { url: bare.href, headers: explicit ? { ...headers } : { ...headers, authorization: `Basic ${credentials}` } };
}

function checkUrl(url: string, field: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${field} is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`${field} must be http: or https:, got ${parsed.protocol}`);
  return parsed;
}

function checkStatus(status: StatusExpectation, field: string): StatusExpectation {
  const codes = typeof status === "number" ? [status] : isList(status) ? status : [status.from, status.to];
  if (codes.length === 0) throw new Error(`${field} lists no status`);
  for (const code of codes)
    if (!Number.isInteger(code) || code < 100 || code > 599) throw new Error(`${field}: ${JSON.stringify(code)} is not an HTTP status (100-599)`);
  if (typeof status === "object" && !isList(status) && status.from > status.to) throw new Error(`${field}: from (${status.from}) is above to (${status.to})`);
  return status;
}

function statusAccepted(code: number, status: StatusExpectation): boolean {
  if (typeof status === "number") return code === status;
  if (isList(status)) return status.includes(code);
  return code >= status.from && code <= status.to;
}

function describeStatus(status: StatusExpectation): string {
  if (typeof status === "number") return String(status);
  if (isList(status)) return status.join(" or ");
  return `${status.from}-${status.to}`;
}

function isList(status: StatusExpectation): status is readonly number[] {
  return Array.isArray(status);
}
