/**
 * Validators for Chaos Mesh object inputs. Each throws a FaultParameterError
 * naming the input field before anything is built, let alone sent.
 */
import { FaultParameterError } from "../../core/index.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_LABEL_CHARS = 63;

/** An object or namespace name: an RFC 1123 label (lowercase, digits, '-', at most 63 characters). */
export function dnsLabel(value: string, field: string): string {
  if (typeof value !== "string" || value.length > MAX_LABEL_CHARS || !DNS_LABEL.test(value)) {
    throw new FaultParameterError(field, `must be lowercase letters, digits and '-', at most ${MAX_LABEL_CHARS} characters, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Label keys (`prefix/name`) and values as Kubernetes accepts them. */
export function labelMap(value: Readonly<Record<string, string>> | undefined, field: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null) throw new FaultParameterError(field, "must be an object of label keys to values");
  for (const [key, labelValue] of Object.entries(value)) {
    const [prefix, name] = key.includes("/") ? [key.slice(0, key.indexOf("/")), key.slice(key.indexOf("/") + 1)] : [undefined, key];
    if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
      throw new FaultParameterError(`${field}.${key}`, "has an invalid prefix (must be a DNS subdomain)");
    if (name.length > MAX_LABEL_CHARS || !LABEL_NAME.test(name)) throw new FaultParameterError(`${field}.${key}`, "is not a valid label key");
    if (typeof labelValue !== "string" || labelValue.length > MAX_LABEL_CHARS || (labelValue !== "" && !LABEL_NAME.test(labelValue))) {
      throw new FaultParameterError(`${field}.${key}`, `has an invalid label value ${JSON.stringify(labelValue)}`);
    }
  }
  return { ...value };
}

/** A whole number within bounds. */
export function integerIn(value: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new FaultParameterError(field, `must be a whole number in ${min}..${max}, got ${JSON.stringify(value)}`);
  return value;
}

/** A percentage 0..100 as Chaos Mesh writes it (a decimal string). */
export function percentString(value: number, field: string): string {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 100)
    throw new FaultParameterError(field, `must be a percentage 0..100, got ${JSON.stringify(value)}`);
  return String(value);
}

/** Milliseconds as a Go duration string (`1500ms`, `250us`), which is what Chaos Mesh parses. */
export function goDuration(ms: number, field: string, { allowZero = false } = {}): string {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || (!allowZero && ms === 0)) {
    throw new FaultParameterError(field, `must be a ${allowZero ? "non-negative" : "positive"} number of milliseconds, got ${JSON.stringify(ms)}`);
  }
  if (Number.isInteger(ms)) return `${ms}ms`;
  const micros = Math.round(ms * 1000);
  if (micros === 0 && !allowZero) throw new FaultParameterError(field, `must be at least 1 microsecond, got ${ms} ms`);
  return `${micros}us`;
}

/** A non-empty list of strings, e.g. container names. */
export function nonEmptyStrings(value: readonly string[] | undefined, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.some((item) => typeof item !== "string" || item === "")) {
    throw new FaultParameterError(field, `must be a non-empty list of non-empty strings, got ${JSON.stringify(value)}`);
  }
  return [...value];
}

/** An absolute file-system path inside a container. */
export function absolutePath(value: string, field: string): string {
  if (typeof value !== "string" || !value.startsWith("/")) throw new FaultParameterError(field, `must be an absolute path, got ${JSON.stringify(value)}`);
  return value;
}
