/** `host:port` strings as Toxiproxy (Go's net package) writes and reads them. */
import { isIPv6 } from "node:net";
import { badRequestBody } from "./errors.ts";

export interface HostPort {
  /** Host name or IP literal without brackets; "" means every interface. */
  host: string;
  /** TCP port; 0 asks the OS for a free one. */
  port: number;
}

const MAX_PORT = 65_535;

/** Splits `host:port`, `[v6]:port` or `:port`; a 400 naming `field` otherwise. */
export function parseHostPort(value: string, field: string, options: { allowPortZero: boolean }): HostPort {
  const fail = (why: string): never => {
    throw badRequestBody(field, `${field} must be host:port (${why}), got ${JSON.stringify(value)}`);
  };
  let host: string;
  let portText: string;
  if (value.startsWith("[")) {
    const close = value.indexOf("]:");
    if (close < 0) fail("missing ]: after an IPv6 address");
    host = value.slice(1, close);
    portText = value.slice(close + 2);
  } else {
    const colon = value.lastIndexOf(":");
    if (colon < 0) fail("missing port");
    host = value.slice(0, colon);
    portText = value.slice(colon + 1);
    if (host.includes(":")) fail("an IPv6 address needs brackets");
  }
  if (!/^\d{1,5}$/.test(portText)) fail("port is not a number");
  const port = Number(portText);
  if (port > MAX_PORT || (port === 0 && !options.allowPortZero)) fail(`port must be 1..${MAX_PORT}`);
  return { host, port };
}

/** `127.0.0.1:8474`, `[::1]:8474` — how Toxiproxy reports a listening address. */
export function formatHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
