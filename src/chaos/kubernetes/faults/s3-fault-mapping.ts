import { EVERY_OCCURRENCE, type FaultDescription, resolveS3FaultSpec, type S3FaultSpec, type S3RequestMatch } from "../../core/index.ts";
import { s3ErrorXml } from "../../faults/index.ts";
import { httpChaos, type HTTPChaos, type HTTPChaosInput } from "../chaos-mesh/http-chaos.ts";
import { common, describeWorkload, description, unsupported, type MappingContext } from "./fault-mapping.ts";

/** S3 operations an HTTPChaos can tell apart by method and path alone (it cannot match query strings). */
const METHOD_OF: Partial<Record<NonNullable<S3RequestMatch["operation"]>, string>> = {
  GetObject: "GET",
  HeadObject: "HEAD",
  PutObject: "PUT",
  DeleteObject: "DELETE",
};

/**
 * An S3 fault as an HTTPChaos on the in-cluster S3 server's pods (e.g.
 * MinIO): `error` replaces the response's status and body with S3's XML
 * error, so the SDK sees e.g. a real SlowDown; `latency` delays requests.
 * Truncated or corrupted bodies, hangs, jitter, probabilities below 1 and
 * occurrences (the Nth request) have no HTTPChaos equivalent.
 */
export function s3Chaos(spec: S3FaultSpec, port: number, context: MappingContext): { object: HTTPChaos; description: FaultDescription } {
  const rule = resolveS3FaultSpec(spec);
  if (rule.probability !== 1) throw unsupported(`s3 ${spec.type} with probability ${rule.probability}`, "HTTPChaos applies to every matching request");
  if (rule.occurrence.from !== EVERY_OCCURRENCE.from || rule.occurrence.count !== EVERY_OCCURRENCE.count) {
    throw unsupported(
      `s3 ${spec.type} with occurrence ${JSON.stringify(spec.occurrence)}`,
      "HTTPChaos applies to every matching request, it does not count them",
    );
  }
  const base = {
    ...common(context, "s3"),
    ...(Number.isFinite(rule.forMs) ? { durationMs: Math.min(rule.forMs, context.durationMs) } : {}),
    port,
    ...matchOf(rule.match),
  };
  let input: HTTPChaosInput;
  const { fault } = rule;
  switch (fault.type) {
    case "error": {
      const headers: Record<string, string> = { "Content-Type": "application/xml" };
      if (fault.retryAfterSeconds !== undefined) headers["Retry-After"] = String(fault.retryAfterSeconds);
      input = {
        ...base,
        target: "Response",
        fault: { type: "replace", code: fault.status, body: s3ErrorXml(fault.code, fault.message, base.path ?? "/", "CHAOSMESH"), headers },
      };
      break;
    }
    case "latency":
      if (fault.jitterMs > 0) throw unsupported("s3 latency with jitter", "HTTPChaos delays every request by the same amount");
      input = { ...base, target: "Request", fault: { type: "delay", delayMs: fault.latencyMs } };
      break;
    case "hang":
      throw unsupported("s3 hang", "HTTPChaos delays by a fixed time; it cannot hold a request until the client gives up");
    case "reset":
      throw unsupported("s3 reset", "it is not mapped to HTTPChaos (whose `abort` closes connections) yet");
    default:
      throw unsupported(`s3 ${spec.type}`, "HTTPChaos cannot cut or corrupt a response body while keeping its framing");
  }
  return {
    object: httpChaos(input),
    description: description(
      `s3/${spec.type}`,
      fault.type === "latency" || fault.status === 503 || fault.status === 429 ? "overload" : "software-failure",
      `http ${describeWorkload("s3", context.workloads.s3)} port ${port}`,
      { ...spec },
    ),
  };
}

/** An S3 request match as HTTPChaos's method and path glob (path-style URLs: /bucket/key). */
function matchOf(match: Readonly<S3RequestMatch>): { method?: string; path?: string } {
  const { operation, bucket, keyPrefix } = match;
  if (match.keys !== undefined && (match.key !== undefined || match.keys.length > 1))
    throw unsupported("s3 fault on several keys", "HTTPChaos matches one path glob");
  const key = match.key ?? match.keys?.[0];
  if (operation !== undefined && METHOD_OF[operation] === undefined)
    throw unsupported(`s3 fault on ${operation}`, "HTTPChaos matches method and path, which do not tell this operation apart");
  const method = match.method ?? (operation ? METHOD_OF[operation] : undefined);
  if (match.method && operation && match.method !== METHOD_OF[operation])
    throw unsupported("s3 fault match", `method ${match.method} never matches ${operation}`);
  const objectPart = key ?? (keyPrefix !== undefined ? `${keyPrefix}*` : operation && METHOD_OF[operation] ? "*" : undefined);
  const path =
    bucket !== undefined ? `/${bucket}${objectPart !== undefined ? `/${objectPart}` : "*"}` : objectPart !== undefined ? `/*/${objectPart}` : undefined;
  return { ...(method ? { method } : {}), ...(path ? { path } : {}) };
}
