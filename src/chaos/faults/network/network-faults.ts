import type { ToxiproxyApi, ToxicSpec } from "../../toxiproxy/index.ts";
import { createFaultHandle, type DowntimeCause, type FaultHandle } from "../../core/index.ts";

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
 * real Toxiproxy); it applies to open connections at once. The spec is
 * validated before any request. Observation: the toxic as the server stored it.
 */
export async function injectToxic(api: ToxiproxyApi, proxy: string, spec: ToxicSpec): Promise<FaultHandle> {
  const injectedAt = performance.now();
  const toxic = await api.injectToxic(proxy, spec);
  return createFaultHandle(
    { kind: `toxic/${spec.type}`, cause: TOXIC_CAUSES[spec.type], target: `proxy ${proxy} ${toxic.toxic.stream}`, parameters: { ...spec } },
    { toxic: toxic.toxic },
    () => toxic.remove(),
    injectedAt,
  );
}

/**
 * A network partition: the proxy goes down, refusing new connections and
 * closing open ones, until removal brings it back on the same address.
 */
export async function partition(api: ToxiproxyApi, proxy: string): Promise<FaultHandle> {
  const injectedAt = performance.now();
  const down = await api.disableProxy(proxy);
  const state = await api.getProxy(proxy);
  return createFaultHandle(
    { kind: "network/partition", cause: "equipment-failure", target: `proxy ${proxy}`, parameters: {} },
    { enabled: state.enabled, listen: state.listen },
    () => down.remove(),
    injectedAt,
  );
}
