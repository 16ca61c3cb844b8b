import { FaultParameterError } from "./fault-handle.ts";
import { S3_OPERATIONS, type S3Operation, type S3Request } from "./s3-request.ts";

/** Which requests a fault rule applies to: every given field must match; an empty match takes every request. */
export interface S3RequestMatch {
  /** HTTP method, e.g. "GET" (any case). */
  method?: string;
  /** S3 operation, e.g. "GetObject". */
  operation?: S3Operation;
  bucket?: string;
  /** Exactly this object key. */
  key?: string;
  /** Any of these object keys, e.g. the objects a scenario makes unreadable. */
  keys?: readonly string[];
  /** Object keys starting with this; bucket-level requests never match a key prefix. */
  keyPrefix?: string;
}

const METHOD = /^[A-Za-z]+$/;

/** Validates a match, naming the bad field as `<field>.<name>`; returns a copy with the method upper-cased. */
export function validateMatch(match: S3RequestMatch | undefined, field: string): Readonly<S3RequestMatch> {
  if (match === undefined) return {};
  if (typeof match !== "object" || match === null) throw new FaultParameterError(field, "must be an object");
  const { method, operation, bucket, key, keys, keyPrefix } = match;
  if (method !== undefined && (typeof method !== "string" || !METHOD.test(method))) {
    throw new FaultParameterError(`${field}.method`, `must be an HTTP method such as "GET", got ${JSON.stringify(method)}`);
  }
  if (operation !== undefined && !(S3_OPERATIONS as readonly string[]).includes(operation)) {
    throw new FaultParameterError(`${field}.operation`, `must be one of ${S3_OPERATIONS.join(", ")}, got ${JSON.stringify(operation)}`);
  }
  nonEmpty(bucket, `${field}.bucket`);
  nonEmpty(key, `${field}.key`);
  if (keys !== undefined) {
    if (!Array.isArray(keys) || keys.length === 0)
      throw new FaultParameterError(`${field}.keys`, `must be a non-empty array of keys, got ${JSON.stringify(keys)}`);
    keys.forEach((each, index) => nonEmpty(each, `${field}.keys[${index}]`));
  }
  if (keyPrefix !== undefined && typeof keyPrefix !== "string") throw new FaultParameterError(`${field}.keyPrefix`, "must be a string");
  return { ...match, ...(method !== undefined ? { method: method.toUpperCase() } : {}), ...(keys !== undefined ? { keys: [...keys] } : {}) };
}

/** Whether `request` is one the (validated) `match` selects. */
export function matchesRequest(match: Readonly<S3RequestMatch>, request: S3Request): boolean {
  if (match.method !== undefined && match.method !== request.method) return false;
  if (match.operation !== undefined && match.operation !== request.operation) return false;
  if (match.bucket !== undefined && match.bucket !== request.bucket) return false;
  if (match.key !== undefined && match.key !== request.key) return false;
  if (match.keys !== undefined && (request.key === undefined || !match.keys.includes(request.key))) return false;
  if (match.keyPrefix !== undefined && (request.key === undefined || !request.key.startsWith(match.keyPrefix))) return false;
  return true;
}

function nonEmpty(value: unknown, field: string): void {
  if (value !== undefined && (typeof value !== "string" || value === ""))
    throw new FaultParameterError(field, `must be a non-empty string, got ${JSON.stringify(value)}`);
}
