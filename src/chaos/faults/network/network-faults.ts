import type { ToxiproxyApi, ToxicSpec } from "../../toxiproxy/index.ts";
import { createFaultHandle, effectSeen, untilEffect, type DowntimeCause, type FaultHandle } from "../../core/index.ts";
import { refusesConnections, SentinelConnection, type ProxyAddress } from "./connection-probe.ts";

/** How long a disabled proxy may take to refuse new connections and cut open ones. */
export const PARTITION_EFFECT_TIMEOUT_MS = 5_000;

/** The cause of downtime each kind of toxic stands for, wherever it is injected. */
export const TOXIC_CAUSES: Readonly<Record<ToxicSpec["type"], DowntimeCause>> = {
  latency: "software-failure",
  bandwidth: "overload",
  slow_close: "software-failure",
  timeout: "software-failure",
  reset_peer: "equipment-failure",
  slicer: "software-failure",
  limit_data: "software-failure",
  noop: "software-failure",
};

/**
 * Adds a toxic to a proxy (on this project's Toxiproxy-compatible server or a
 * real Toxiproxy). Both apply a new toxic to the links of open connections
 * before the API answers, so the answer is the proof it is in effect and the
 * handle is stamped then, not when the request was sent. The spec is
 * validated before any request. Observation: the toxic as the server stored it.
 */
export async function injectToxic(api: ToxiproxyApi, proxy: string, spec: ToxicSpec): Promise<FaultHandle> {
  const toxic = await api.injectToxic(proxy, spec);
  return createFaultHandle(
    { kind: `toxic/${spec.type}`, cause: TOXIC_CAUSES[spec.type], target: `proxy ${proxy} ${toxic.toxic.stream}`, parameters: { ...spec } },
    { toxic: toxic.toxic },
    () => toxic.remove(),
    effectSeen("the server answered after applying the toxic to open connections"),
  );
}

/**
 * A network partition: the proxy goes down, refusing new connections and
 * closing open ones, until removal brings it back on the same address.
 * Stamped once `address` (where this machine reaches the proxy) refuses a new
 * connection and a connection opened just before is cut. Observations:
 * `enabled`, `listen`, `refusedAfterMs` (request to refusal seen).
 */
export async function partition(api: ToxiproxyApi, proxy: string, address: ProxyAddress): Promise<FaultHandle> {
  const sentinel = await SentinelConnection.open(address);
  const requested = performance.now();
  const down = await api.disableProxy(proxy);
  let injectedAt;
  try {
    injectedAt = await untilEffect(
      `partition of proxy ${proxy}`,
      async () => {
        if (sentinel && !sentinel.isCut) return `a connection opened before it is still open`;
        return (await refusesConnections(address)) || `${address.host}:${address.port} still accepts connections`;
      },
      { timeoutMs: PARTITION_EFFECT_TIMEOUT_MS },
    );
  } catch (error) {
    await down.remove().catch(() => undefined);
    throw error;
  } finally {
    sentinel?.close();
  }
  const state = await api.getProxy(proxy);
  return createFaultHandle(
    { kind: "network/partition", cause: "equipment-failure", target: `proxy ${proxy}`, parameters: {} },
    { enabled: state.enabled, listen: state.listen, refusedAfterMs: injectedAt - requested },
    () => down.remove(),
    injectedAt,
  );
}
