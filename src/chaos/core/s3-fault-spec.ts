/**
 * The S3 proxy's fault rules as given by callers, and their validation into
 * resolved rules. Every check runs before a rule is injected and names the
 * bad field, so a typo never half-applies a fault.
 */
import { FaultParameterError, nonNegative, probability as checkProbability } from "./fault-handle.ts";
import { validateMatch, type S3RequestMatch } from "./s3-request-match.ts";
import { resolveOccurrence, type ResolvedOccurrence, type S3Occurrence } from "./s3-occurrence.ts";

/** Options every rule shares. */
export interface S3RuleOptions {
  /** Fraction (0..1) of matching requests the fault applies to; default 1. With `occurrence`, of the requests it selects. */
  probability?: number;
  /** Which matching requests by number, e.g. `{ nth: 3 }` or `{ from: 2, count: 3 }`; default every one. */
  occurrence?: S3Occurrence;
  /** The rule stops applying by itself this many milliseconds after injection (its handle records the removal); default: until removed. */
  forMs?: number;
  /** Which requests the rule considers; default every request. */
  match?: S3RequestMatch;
}

/** Answers with an S3 XML error instead of forwarding, e.g. `{ status: 503, code: "SlowDown" }`. */
export interface S3ErrorFault extends S3RuleOptions {
  /** HTTP status, 400..599. */
  status: number;
  /** S3 error code, e.g. "SlowDown", "InternalError"; the SDK v3 surfaces it as the error's `name`. */
  code: string;
  /** Error message; default S3's own for known codes. */
  message?: string;
  /** `Retry-After` header in seconds; default 1 for 503 and 429, none otherwise. */
  retryAfterSeconds?: number;
}

/** Holds a request back before forwarding it. */
export interface S3LatencyFault extends S3RuleOptions {
  /** Added delay in milliseconds; the floor of what the client sees. */
  latencyMs: number;
  /** Up to this many more milliseconds, uniformly random per request; default 0. */
  jitterMs?: number;
}

/**
 * Holds a request without answering until the client gives up (its timeout
 * runs out and it closes the connection), as a server that never responds.
 * Requests still held when the rule ends (removed, or `forMs` ran out) are
 * forwarded then. Observations count the requests the client abandoned.
 */
export type S3HangFault = S3RuleOptions;

/**
 * Resets the client's connection instead of answering: the request is read,
 * nothing is forwarded, and the socket is destroyed with a TCP RST, as a
 * load balancer or server that drops one request does. The client sees
 * ECONNRESET. Unlike a Toxiproxy reset it picks single requests (`occurrence`,
 * `match`), leaving the other requests on the same proxy alone.
 */
export type S3ResetFault = S3RuleOptions;

/**
 * How a cut body ends. "content-length": the upstream's Content-Length is
 * kept and the connection closed after the short body, as when a server or
 * load balancer dies mid-response (Node's HTTP client, and so the SDK, then
 * fail the body read with ECONNRESET "aborted"). "chunked": the length is
 * dropped and a chunked body ends cleanly after the kept bytes, as a buggy
 * server or middlebox does; only a checksum can tell it is short. "stall":
 * the Content-Length is kept and the connection stays open, but no byte
 * follows the kept ones: a body that stalls midway, which only a deadline on
 * the whole download ends (a deadline for the response's headers has passed).
 */
export type TruncateFraming = "content-length" | "chunked" | "stall";

/** Forwards, then cuts 2xx response bodies short. Give exactly one of `keepBytes` and `keepFraction`. */
export type S3TruncateFault = S3RuleOptions & {
  /** Default "content-length". */
  framing?: TruncateFraming;
} & (
    | { /** Bytes of the body to send. */ keepBytes: number; keepFraction?: undefined }
    | { /** Share (0 ≤ f < 1) of the body to send, rounded down. */ keepFraction: number; keepBytes?: undefined }
  );

/**
 * Flips one byte in the middle of GetObject bodies: same length, same ETag,
 * only an MD5/ETag check notices. `match` selects the objects (its operation
 * is always GetObject); `key` and `bucket` are a shorthand for `match.key`
 * and `match.bucket`.
 */
export interface S3CorruptFault extends S3RuleOptions {
  /** Only this object; the same as `match.key`. */
  key?: string;
  /** Only in this bucket; the same as `match.bucket`. */
  bucket?: string;
}

/** Any S3 fault rule, keyed by `type`. */
export type S3FaultSpec =
  | ({ type: "error" } & S3ErrorFault)
  | ({ type: "latency" } & S3LatencyFault)
  | ({ type: "hang" } & S3HangFault)
  | ({ type: "reset" } & S3ResetFault)
  | ({ type: "truncate" } & S3TruncateFault)
  | ({ type: "corrupt" } & S3CorruptFault);

/** What a resolved rule does to a request. */
export type ResolvedFault =
  | { type: "error"; status: number; code: string; message: string; retryAfterSeconds: number | undefined }
  | { type: "latency"; latencyMs: number; jitterMs: number }
  | { type: "hang" }
  | { type: "reset" }
  | { type: "truncate"; keepBytes: number | undefined; keepFraction: number | undefined; framing: TruncateFraming }
  | { type: "corrupt" };

/** A validated rule, every default filled in. */
export interface ResolvedRule<F extends ResolvedFault = ResolvedFault> {
  fault: F;
  match: Readonly<S3RequestMatch>;
  probability: number;
  occurrence: Readonly<ResolvedOccurrence>;
  /** Milliseconds the rule lasts; Infinity until removed. */
  forMs: number;
}

const S3_MESSAGES: Record<string, string> = {
  SlowDown: "Please reduce your request rate.",
  ServiceUnavailable: "Reduce your request rate.",
  InternalError: "We encountered an internal error. Please try again.",
  AccessDenied: "Access Denied",
  NoSuchKey: "The specified key does not exist.",
  NoSuchBucket: "The specified bucket does not exist",
  RequestTimeout: "Your socket connection to the server was not read from or written to within the timeout period.",
};

const ERROR_CODE = /^[A-Za-z][A-Za-z0-9.]*$/;

/** Validates a spec; throws {@link FaultParameterError} naming the first bad field. */
export function resolveS3FaultSpec(spec: S3FaultSpec): ResolvedRule {
  const options = {
    probability: checkProbability(spec.probability ?? 1, "probability"),
    occurrence: resolveOccurrence(spec.occurrence, "occurrence"),
    forMs: spec.forMs === undefined ? Infinity : nonNegative(spec.forMs, "forMs"),
  };
  switch (spec.type) {
    case "error": {
      const { status, code } = spec;
      if (!Number.isInteger(status) || status < 400 || status > 599)
        throw new FaultParameterError("status", `must be an HTTP error status 400..599, got ${JSON.stringify(status)}`);
      if (typeof code !== "string" || !ERROR_CODE.test(code))
        throw new FaultParameterError("code", `must be an S3 error code such as "SlowDown", got ${JSON.stringify(code)}`);
      if (spec.message !== undefined && typeof spec.message !== "string") throw new FaultParameterError("message", "must be a string");
      const retryAfter = spec.retryAfterSeconds ?? (status === 503 || status === 429 ? 1 : undefined);
      if (retryAfter !== undefined && (!Number.isInteger(retryAfter) || retryAfter < 0))
        throw new FaultParameterError("retryAfterSeconds", `must be whole seconds ≥ 0, got ${JSON.stringify(retryAfter)}`);
      const message = spec.message ?? S3_MESSAGES[code] ?? `Injected ${code} (chaos S3 fault proxy).`;
      return { ...options, match: validateMatch(spec.match, "match"), fault: { type: "error", status, code, message, retryAfterSeconds: retryAfter } };
    }
    case "latency":
      return {
        ...options,
        match: validateMatch(spec.match, "match"),
        fault: { type: "latency", latencyMs: nonNegative(spec.latencyMs, "latencyMs"), jitterMs: nonNegative(spec.jitterMs ?? 0, "jitterMs") },
      };
    case "hang":
      return { ...options, match: validateMatch(spec.match, "match"), fault: { type: "hang" } };
    case "reset":
      return { ...options, match: validateMatch(spec.match, "match"), fault: { type: "reset" } };
    case "truncate": {
      const { keepBytes, keepFraction } = spec;
      if ((keepBytes === undefined) === (keepFraction === undefined))
        throw new FaultParameterError("keepBytes", "or keepFraction must be given, not both or neither");
      if (keepBytes !== undefined && !Number.isInteger(nonNegative(keepBytes, "keepBytes")))
        throw new FaultParameterError("keepBytes", `must be a whole number, got ${keepBytes}`);
      if (keepFraction !== undefined && checkProbability(keepFraction, "keepFraction") === 1)
        throw new FaultParameterError("keepFraction", "must be below 1, or nothing is cut");
      const framing = spec.framing ?? "content-length";
      if (framing !== "content-length" && framing !== "chunked" && framing !== "stall")
        throw new FaultParameterError("framing", `must be "content-length", "chunked" or "stall", got ${JSON.stringify(framing)}`);
      return { ...options, match: validateMatch(spec.match, "match"), fault: { type: "truncate", keepBytes, keepFraction, framing } };
    }
    case "corrupt":
      return { ...options, match: corruptMatch(spec), fault: { type: "corrupt" } };
    default:
      throw new FaultParameterError(
        "type",
        `must be error, latency, hang, reset, truncate or corrupt, got ${JSON.stringify((spec as { type: unknown }).type)}`,
      );
  }
}

/** A corrupt rule's match: always GetObject, with the `key`/`bucket` shorthand folded in. */
function corruptMatch(spec: S3CorruptFault): Readonly<S3RequestMatch> {
  const match = validateMatch(spec.match, "match");
  if (match.operation !== undefined && match.operation !== "GetObject")
    throw new FaultParameterError("match.operation", `must be GetObject (only object bodies are corrupted), got ${JSON.stringify(match.operation)}`);
  for (const field of ["key", "bucket"] as const) {
    const value = spec[field];
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "") throw new FaultParameterError(field, `must be a non-empty string, got ${JSON.stringify(value)}`);
    if (match[field] !== undefined) throw new FaultParameterError(field, `and match.${field} are the same; give one`);
  }
  return {
    ...match,
    operation: "GetObject",
    ...(spec.key !== undefined ? { key: spec.key } : {}),
    ...(spec.bucket !== undefined ? { bucket: spec.bucket } : {}),
  };
}
