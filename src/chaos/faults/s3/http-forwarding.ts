/** Header handling of a transparent HTTP/1.1 proxy that must keep SigV4 signatures valid. */
import type { IncomingHttpHeaders } from "node:http";

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1), which describe one connection, not
 * the message; `expect` too, as this proxy already answered 100-continue.
 * SigV4 never signs any of them, so dropping them keeps signatures valid.
 */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
]);

/** Request headers to send upstream: all end-to-end ones, the client's Host and Authorization included, so the signature still matches. */
export function forwardedRequestHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const dropped = connectionTokens(headers.connection);
  const forwarded: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !dropped.has(name)) forwarded[name] = value;
  }
  return forwarded;
}

/** Response headers to send back, as a flat `[name, value, …]` list in the upstream's order and spelling. */
export function relayedResponseHeaders(rawHeaders: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === "connection") names.push(rawHeaders[i + 1]!);
  const dropped = connectionTokens(names.join(","));
  const relayed: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && !dropped.has(lower)) relayed.push(name, rawHeaders[i + 1]!);
  }
  return relayed;
}

/** A flat header list without `name` (any spelling). */
export function withoutHeader(headers: readonly string[], name: string): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) if (headers[i]!.toLowerCase() !== name) kept.push(headers[i]!, headers[i + 1]!);
  return kept;
}

/** The body length a response promises, in bytes; undefined without a valid Content-Length. */
export function contentLength(headers: IncomingHttpHeaders): number | undefined {
  const value = headers["content-length"];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function connectionTokens(value: string | undefined): Set<string> {
  return new Set(
    (value ?? "")
      .split(",")
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ""),
  );
}
