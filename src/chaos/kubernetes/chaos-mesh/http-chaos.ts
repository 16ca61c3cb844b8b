import { FaultParameterError } from "../../core/index.ts";
import { buildCommon, chaosObject, withoutUndefined, type ChaosCommonInput, type ChaosMeshObject, type ChaosSelection } from "./chaos-object.ts";
import { goDuration, integerIn } from "./chaos-parameters.ts";

/** What HTTPChaos does to matching requests or responses. */
export type HttpChaosFault =
  /** Drops the connection. */
  | { type: "abort" }
  /** Holds the request or response back, ms. */
  | { type: "delay"; delayMs: number }
  /** Rewrites the response: status code, body, headers (e.g. an S3 503 SlowDown). */
  | { type: "replace"; code?: number; body?: string | Uint8Array; headers?: Readonly<Record<string, string>> };

/** HTTP faults on a server's port inside the selected pods (plain HTTP only). */
export interface HTTPChaosInput extends ChaosCommonInput {
  /** The server's container port, e.g. 9000 for MinIO. */
  port: number;
  /** Act on the `Request` (before the server sees it) or the `Response`; `replace` with a code needs Response. */
  target: "Request" | "Response";
  fault: HttpChaosFault;
  /** Only requests whose path matches (glob), e.g. "/midi/*". */
  path?: string;
  /** Only this method, e.g. "GET". */
  method?: string;
}

export interface HTTPChaosSpec extends ChaosSelection {
  port: number;
  target: "Request" | "Response";
  duration?: string;
  path?: string;
  method?: string;
  abort?: boolean;
  delay?: string;
  replace?: { code?: number; body?: string; headers?: Record<string, string> };
}

export type HTTPChaos = ChaosMeshObject<"HTTPChaos", HTTPChaosSpec>;

/** An HTTPChaos object. */
export function httpChaos(input: HTTPChaosInput): HTTPChaos {
  const { metadata, selection, duration } = buildCommon(input);
  if (input.target !== "Request" && input.target !== "Response")
    throw new FaultParameterError("target", `must be Request or Response, got ${JSON.stringify(input.target)}`);
  if (input.path !== undefined && (typeof input.path !== "string" || !input.path.startsWith("/")))
    throw new FaultParameterError("path", `must start with "/", got ${JSON.stringify(input.path)}`);
  if (input.method !== undefined && !/^[A-Z]+$/.test(input.method))
    throw new FaultParameterError("method", `must be an upper-case HTTP method, got ${JSON.stringify(input.method)}`);
  const spec: HTTPChaosSpec = {
    ...selection,
    port: integerIn(input.port, 1, 65_535, "port"),
    target: input.target,
    duration,
    path: input.path,
    method: input.method,
  };
  const { fault } = input;
  switch (fault?.type) {
    case "abort":
      spec.abort = true;
      break;
    case "delay":
      spec.delay = goDuration(fault.delayMs, "fault.delayMs");
      break;
    case "replace": {
      if (fault.code !== undefined && input.target !== "Response") throw new FaultParameterError("target", "must be Response to replace the status code");
      if (fault.code === undefined && fault.body === undefined && fault.headers === undefined)
        throw new FaultParameterError("fault", "replace needs a code, a body or headers");
      spec.replace = withoutUndefined({
        code: fault.code === undefined ? undefined : integerIn(fault.code, 100, 599, "fault.code"),
        body: fault.body === undefined ? undefined : Buffer.from(fault.body).toString("base64"),
        headers: fault.headers === undefined ? undefined : { ...fault.headers },
      });
      break;
    }
    default:
      throw new FaultParameterError("fault.type", `must be abort, delay or replace, got ${JSON.stringify((fault as { type?: unknown } | undefined)?.type)}`);
  }
  return chaosObject("HTTPChaos", metadata, spec);
}
