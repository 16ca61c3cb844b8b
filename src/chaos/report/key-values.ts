import { html, type Html } from "./html-escape.ts";
import { formatNumber } from "./report-format.ts";

const UNIT_SUFFIXES: ReadonlyArray<[suffix: string, unit: string]> = [
  ["Ms", "ms"],
  ["Bytes", "bytes"],
  ["Mebibytes", "MiB"],
];
const MAX_NESTING = 3;

/** "readyAfterMs" → "ready after (ms)", "requests_faulted" → "requests faulted". */
export function humanizeKey(key: string): string {
  const suffix = UNIT_SUFFIXES.find(([ending]) => key.endsWith(ending) && key.length > ending.length);
  const stem = suffix ? key.slice(0, -suffix[0].length) : key;
  const words = stem
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase()
    .trim();
  return suffix ? `${words} (${suffix[1]})` : words;
}

/** A record (observations, parameters) as a definition list; nested objects become nested lists. */
export function renderKeyValues(record: Readonly<Record<string, unknown>> | null | undefined, depth = 0): Html {
  const entries = record && typeof record === "object" ? Object.entries(record) : [];
  if (entries.length === 0) return html`<p class="muted">none recorded</p>`;
  return html`<dl class="kv">${entries.map(([key, value]) => html`<dt title="${key}">${humanizeKey(key)}</dt><dd>${renderValue(value, depth)}</dd>`)}</dl>`;
}

function renderValue(value: unknown, depth: number): Html {
  if (value === null || value === undefined) return html`<span class="muted">${String(value)}</span>`;
  if (typeof value === "number") return html`${formatNumber(value, 3)}`;
  if (typeof value === "boolean") return html`${value ? "yes" : "no"}`;
  if (typeof value === "string") return html`${value}`;
  if (Array.isArray(value) && value.every(isPrimitive)) {
    return value.length === 0
      ? html`<span class="muted">none</span>`
      : html`${value.map((item) => (typeof item === "number" ? formatNumber(item, 3) : String(item))).join(", ")}`;
  }
  if (isPlainRecord(value) && depth < MAX_NESTING) return renderKeyValues(value, depth + 1);
  return html`<code>${compactJson(value)}</code>`;
}

function isPrimitive(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
