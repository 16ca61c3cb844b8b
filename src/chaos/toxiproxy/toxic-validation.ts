/**
 * Turns a toxic request body into a complete `Toxic`, with Toxiproxy's
 * defaults (stream `downstream`, toxicity 1, name `<type>_<stream>`, absent
 * attributes 0). Used by the server on every request and by the typed
 * client before it sends one, so both reject the same input with the same
 * field-naming message.
 */
import { badRequestBody, ToxiproxyValidationError } from "./errors.ts";
import { TOXIC_STREAMS, TOXIC_TYPES, type Toxic, type ToxicAttributesByType, type ToxicStream, type ToxicType } from "./toxic-spec.ts";

interface AttributeRule {
  /** Unit named in error messages. */
  unit: string;
  /** Smallest accepted value. */
  min: number;
}

const ATTRIBUTE_RULES: { [T in ToxicType]: Record<keyof ToxicAttributesByType[T], AttributeRule> } = {
  latency: { latency: { unit: "milliseconds", min: 0 }, jitter: { unit: "milliseconds", min: 0 } },
  bandwidth: { rate: { unit: "KB/s", min: 0 } },
  slow_close: { delay: { unit: "milliseconds", min: 0 } },
  timeout: { timeout: { unit: "milliseconds", min: 0 } },
  reset_peer: { timeout: { unit: "milliseconds", min: 0 } },
  slicer: {
    average_size: { unit: "bytes", min: 1 },
    size_variation: { unit: "bytes", min: 0 },
    delay: { unit: "microseconds", min: 0 },
  },
  limit_data: { bytes: { unit: "bytes", min: 0 } },
  noop: {},
};

export function isToxicType(value: unknown): value is ToxicType {
  return typeof value === "string" && (TOXIC_TYPES as readonly string[]).includes(value);
}

export function isToxicStream(value: unknown): value is ToxicStream {
  return typeof value === "string" && (TOXIC_STREAMS as readonly string[]).includes(value);
}

/** A new toxic from a `POST /proxies/{proxy}/toxics` body. */
export function parseToxicCreate(body: unknown): Toxic {
  const input = expectObject(body, "body", "expected a JSON object");
  const stream = input["stream"] ?? "downstream";
  if (!isToxicStream(stream)) {
    throw new ToxiproxyValidationError("stream", `stream was invalid, can be either upstream or downstream: got ${show(input["stream"])}`);
  }
  const type = input["type"];
  if (!isToxicType(type)) {
    throw new ToxiproxyValidationError("type", `invalid toxic type: type ${show(type)} is not one of ${TOXIC_TYPES.join(", ")}`);
  }
  const name = input["name"] ?? "";
  if (typeof name !== "string") throw badRequestBody("name", `name must be a string, got ${show(name)}`);
  const attributes = input["attributes"] ?? {};
  return buildToxic(type, {
    name: name === "" ? `${type}_${stream}` : name,
    stream,
    toxicity: parseToxicity(input["toxicity"], 1),
    attributes: completeAttributes(type, expectObject(attributes, "attributes", `attributes must be an object`)),
  });
}

/**
 * `existing` changed by a `POST /proxies/{proxy}/toxics/{toxic}` body: only
 * toxicity and attributes change, absent attributes keep their value, and
 * name, type and stream are ignored as Toxiproxy ignores them.
 */
export function parseToxicUpdate(existing: Toxic, body: unknown): Toxic {
  const input = expectObject(body, "body", "expected a JSON object");
  const given = expectObject(input["attributes"] ?? {}, "attributes", "attributes must be an object");
  return buildToxic(existing.type, {
    name: existing.name,
    stream: existing.stream,
    toxicity: parseToxicity(input["toxicity"], existing.toxicity),
    attributes: completeAttributes(existing.type, { ...existing.attributes, ...withoutNulls(given) }),
  });
}

/** Checks only what an update for a toxic of `type` gives, without the existing toxic. */
export function checkToxicUpdate(type: ToxicType, toxicity: unknown, attributes: unknown): void {
  if (toxicity !== undefined) parseToxicity(toxicity, 1);
  const given = expectObject(attributes ?? {}, "attributes", "attributes must be an object");
  const rules: Record<string, AttributeRule> = ATTRIBUTE_RULES[type];
  for (const [key, rule] of Object.entries(rules)) {
    if (given[key] !== undefined) checkAttribute(key, given[key], rule);
  }
}

function withoutNulls(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null));
}

function buildToxic(type: ToxicType, rest: { name: string; stream: ToxicStream; toxicity: number; attributes: Record<string, number> }): Toxic {
  // Key order follows Toxiproxy's JSON, which some snapshot tests compare.
  return { attributes: rest.attributes, name: rest.name, type, stream: rest.stream, toxicity: rest.toxicity } as Toxic;
}

function completeAttributes(type: ToxicType, given: Record<string, unknown>): Record<string, number> {
  const rules: Record<string, AttributeRule> = ATTRIBUTE_RULES[type];
  const complete: Record<string, number> = {};
  for (const [key, rule] of Object.entries(rules)) {
    complete[key] = checkAttribute(key, given[key] ?? 0, rule);
  }
  return complete;
}

function checkAttribute(key: string, value: unknown, rule: AttributeRule): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < rule.min) {
    throw badRequestBody(`attributes.${key}`, `attributes.${key} must be an integer >= ${rule.min} (${rule.unit}), got ${show(value)}`);
  }
  return value;
}

function parseToxicity(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) {
    throw badRequestBody("toxicity", `toxicity must be a number between 0 and 1, got ${show(value)}`);
  }
  return value;
}

/** `value` as a plain object, or a 400 naming `field`. */
export function expectObject(value: unknown, field: string, detail: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequestBody(field, `${detail}, got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A value quoted for an error message, kept short. */
export function show(value: unknown): string {
  const text = value === undefined ? "nothing" : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
