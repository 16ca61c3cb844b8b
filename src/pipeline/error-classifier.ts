import { BodyIntegrityError } from "./errors.ts";

/** Why a failed operation may be retried; used as a metrics label. */
export type TransientReason =
  | "connection-reset"
  | "connection-refused"
  | "timeout"
  | "broken-pipe"
  | "throttled"
  | "server-error"
  | "body-integrity"
  | "database-unavailable"
  | "serialization";

const NETWORK_CODES: Record<string, TransientReason> = {
  ECONNRESET: "connection-reset",
  ECONNABORTED: "connection-reset",
  ECONNREFUSED: "connection-refused",
  EHOSTUNREACH: "connection-refused",
  ENETUNREACH: "connection-refused",
  ETIMEDOUT: "timeout",
  ESOCKETTIMEDOUT: "timeout",
  EPIPE: "broken-pipe",
  EAI_AGAIN: "connection-refused",
};

const HTTP_STATUS: Record<number, TransientReason> = {
  408: "timeout",
  429: "throttled",
  500: "server-error",
  502: "server-error",
  503: "server-error",
  504: "server-error",
};

const S3_CODES: Record<string, TransientReason> = {
  SlowDown: "throttled",
  Throttling: "throttled",
  ThrottlingException: "throttled",
  RequestTimeout: "timeout",
  RequestTimeoutException: "timeout",
  InternalError: "server-error",
  ServiceUnavailable: "server-error",
  TimeoutError: "timeout",
  AbortError: "timeout",
};

/** SQLSTATE classes/codes after which the same statement can succeed on a new attempt. */
function postgresReason(sqlState: string): TransientReason | undefined {
  if (sqlState.startsWith("08")) return "database-unavailable"; // connection exception
  if (sqlState === "57P01" || sqlState === "57P02" || sqlState === "57P03") return "database-unavailable"; // shutdown, crash, starting up
  if (sqlState === "53300" || sqlState === "53400") return "database-unavailable"; // too many connections
  if (sqlState === "40001" || sqlState === "40P01") return "serialization";
  if (sqlState === "55P03" || sqlState === "57014") return "timeout"; // lock not available, query canceled (statement timeout)
  return undefined;
}

const PG_CLIENT_MESSAGES: Array<[RegExp, TransientReason]> = [
  [/Connection terminated/i, "connection-reset"],
  [/connection timeout|timeout exceeded when trying to connect|Query read timeout/i, "timeout"],
  [/Client has encountered a connection error|not queryable/i, "database-unavailable"],
  [/socket hang up/i, "connection-reset"],
];

/**
 * Classifies an error as transient (worth retrying: returns the reason) or
 * permanent (returns undefined), following `cause` chains and AggregateErrors.
 */
export function transientReason(error: unknown, depth = 0): TransientReason | undefined {
  if (depth > 8 || error === null || typeof error !== "object") return undefined;
  if (error instanceof BodyIntegrityError) return "body-integrity";
  const fields = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  const code = typeof fields.code === "string" ? fields.code : undefined;
  if (code !== undefined) {
    const network = NETWORK_CODES[code];
    if (network) return network;
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const pgReason = postgresReason(code);
      if (pgReason) return pgReason;
    }
  }
  const name = typeof fields.name === "string" ? fields.name : undefined;
  const s3 = (name && S3_CODES[name]) || (code && S3_CODES[code]);
  if (s3) return s3;
  const status = fields.$metadata?.httpStatusCode;
  if (status !== undefined && HTTP_STATUS[status]) return HTTP_STATUS[status];
  if (fields.$retryable) return "server-error";
  if (typeof fields.message === "string") {
    for (const [pattern, reason] of PG_CLIENT_MESSAGES) if (pattern.test(fields.message)) return reason;
  }
  if (Array.isArray(fields.errors)) {
    for (const inner of fields.errors) {
      const reason = transientReason(inner, depth + 1);
      if (reason) return reason;
    }
  }
  return transientReason(fields.cause, depth + 1);
}
