/**
 * Toxiproxy for this project: a Toxiproxy 2.x-compatible server (the Go
 * binary cannot be installed here) and a typed client that works against it
 * or a real Toxiproxy.
 */
export { startToxiproxyServer, TOXIPROXY_DEFAULT_PORT } from "./toxiproxy-server.ts";
export type { StartedToxiproxyServer, ToxiproxyServerOptions } from "./toxiproxy-server.ts";
export { ToxiproxyApi, TOXIPROXY_DEFAULT_URL, TOXIPROXY_REQUEST_TIMEOUT_MS } from "./toxiproxy-api.ts";
export type { ToxiproxyApiOptions } from "./toxiproxy-api.ts";
export type { RemovalHandle, ToxicHandle } from "./removal-handle.ts";
export { ToxiproxyApiError, ToxiproxyConnectionError, ToxiproxyValidationError } from "./errors.ts";
export { TOXIPROXY_COMPATIBLE_VERSION } from "./api-routes.ts";
export { runToxiproxyCommand, TOXIPROXY_USAGE } from "./cli.ts";
export { TOXIC_STREAMS, TOXIC_TYPES } from "./toxic-spec.ts";
export type {
  BandwidthAttributes,
  LatencyAttributes,
  LimitDataAttributes,
  NoopAttributes,
  ResetPeerAttributes,
  SlicerAttributes,
  SlowCloseAttributes,
  TimeoutAttributes,
  Toxic,
  ToxicAttributesByType,
  ToxicAttributesInput,
  ToxicSpec,
  ToxicStream,
  ToxicType,
  ToxicUpdate,
} from "./toxic-spec.ts";
export type { ProxyConfig, ProxyState, ProxyUpdate } from "./proxy-spec.ts";
