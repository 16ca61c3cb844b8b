/**
 * Proxies as the Toxiproxy API takes and reports them, and the parsing of
 * request bodies into complete configurations (shared by server and client).
 */
import { badRequestBody, missingField, ToxiproxyValidationError } from "./errors.ts";
import { parseHostPort } from "./host-port.ts";
import type { Toxic } from "./toxic-spec.ts";
import { expectObject, show } from "./toxic-validation.ts";

/** A proxy to create. */
export interface ProxyConfig {
  /** Unique name, used in every URL of the proxy. */
  name: string;
  /** `host:port` to listen on; port 0 picks a free port. Defaults to `""` (every interface, free port), as Toxiproxy. */
  listen?: string;
  /** `host:port` each connection is forwarded to. */
  upstream: string;
  /** Defaults to true: listen right away. */
  enabled?: boolean;
}

/** A change to a proxy; absent fields keep their value. */
export interface ProxyUpdate {
  listen?: string;
  upstream?: string;
  enabled?: boolean;
}

/** A proxy as the API reports it; `listen` carries the port actually bound. */
export interface ProxyState {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Toxic[];
}

export type ResolvedProxyConfig = Required<ProxyConfig>;

/** A `POST /proxies` body as a complete configuration; 400 naming the field otherwise. */
export function parseProxyCreate(body: unknown): ResolvedProxyConfig {
  const input = expectObject(body, "body", "expected a JSON object");
  const name = optionalString(input, "name") ?? "";
  if (name === "") throw missingField("name");
  const upstream = optionalString(input, "upstream") ?? "";
  if (upstream === "") throw missingField("upstream");
  return checkAddresses({
    name,
    listen: optionalString(input, "listen") ?? "",
    upstream,
    enabled: optionalBoolean(input, "enabled") ?? true,
  });
}

/** A `POST /proxies/{name}` body applied to the proxy's current fields. */
export function parseProxyUpdate(
  current: { listen: string; upstream: string; enabled: boolean },
  body: unknown,
): { listen: string; upstream: string; enabled: boolean } {
  const input = expectObject(body, "body", "expected a JSON object");
  const upstream = optionalString(input, "upstream") ?? current.upstream;
  if (upstream === "") throw missingField("upstream");
  return checkAddresses({
    name: "",
    listen: optionalString(input, "listen") ?? current.listen,
    upstream,
    enabled: optionalBoolean(input, "enabled") ?? current.enabled,
  });
}

/** A `POST /populate` body; every entry is checked before anything changes. */
export function parsePopulate(body: unknown): ResolvedProxyConfig[] {
  if (!Array.isArray(body)) throw badRequestBody("body", `expected an array of proxies, got ${show(body)}`);
  const seen = new Set<string>();
  return body.map((entry, index) => {
    try {
      const config = parseProxyCreate(entry);
      if (seen.has(config.name)) throw badRequestBody("name", `duplicate proxy name ${show(config.name)}`);
      seen.add(config.name);
      return config;
    } catch (error) {
      if (!(error instanceof ToxiproxyValidationError)) throw error;
      // Toxiproxy's wording: "missing required field: name at proxy 2".
      throw new ToxiproxyValidationError(`[${index}].${error.field}`, `${error.message} at proxy ${index + 1}`);
    }
  });
}

function checkAddresses<T extends { listen: string; upstream: string }>(config: T): T {
  if (config.listen !== "") parseHostPort(config.listen, "listen", { allowPortZero: true });
  parseHostPort(config.upstream, "upstream", { allowPortZero: false });
  return config;
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badRequestBody(field, `${field} must be a string, got ${show(value)}`);
  return value;
}

function optionalBoolean(input: Record<string, unknown>, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw badRequestBody(field, `${field} must be true or false, got ${show(value)}`);
  return value;
}

/** Checks a `ProxyUpdate` on its own (types, addresses), as the client does before sending. */
export function checkProxyUpdate(update: unknown): void {
  // Any valid current state will do: only the fields given are checked.
  parseProxyUpdate({ listen: "", upstream: "localhost:1", enabled: true }, update);
}
