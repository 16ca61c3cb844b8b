import type { ServiceName } from "../../env/chaos-environment.ts";
import type { DowntimeCause, FaultDescription } from "../../faults/fault-handle.ts";
import type { ToxicSpec } from "../../toxiproxy/index.ts";
import { networkChaos, type NetworkChaos, type NetworkChaosInput } from "../chaos-mesh/network-chaos.ts";
import { FaultParameterError } from "../../faults/fault-handle.ts";
import { common, describeWorkload, description, selectionOf, unsupported, type MappingContext } from "./fault-mapping.ts";

const TOXIC_CAUSES: Record<ToxicSpec["type"], DowntimeCause> = {
  latency: "software-failure",
  bandwidth: "overload",
  slow_close: "software-failure",
  timeout: "software-failure",
  reset_peer: "equipment-failure",
  slicer: "software-failure",
  limit_data: "software-failure",
  noop: "software-failure",
};

/** What each toxic Chaos Mesh cannot reproduce would need. */
const UNSUPPORTED_TOXICS: Partial<Record<ToxicSpec["type"], string>> = {
  reset_peer:
    "Chaos Mesh drops, delays, duplicates or corrupts packets but cannot send a TCP RST; 100% loss would be a silent blackhole (a timeout), not a reset, so use partition or a timeout toxic for that",
  slicer: "Chaos Mesh shapes packets, not TCP segment sizes",
  slow_close: "Chaos Mesh cannot hold back a FIN alone",
  limit_data: "Chaos Mesh cannot close a connection after a byte count",
  noop: "there is nothing to inject",
};

/**
 * A Toxiproxy toxic as a NetworkChaos between the pipeline's pods and the
 * service's. `downstream` (service → pipeline) selects the service's pods and
 * targets the pipeline's; `upstream` the other way round; both with direction
 * `to`, so only the stream the toxic names is shaped.
 */
export function toxicChaos(service: ServiceName, spec: ToxicSpec, context: MappingContext): { object: NetworkChaos; description: FaultDescription } {
  const reason = UNSUPPORTED_TOXICS[spec.type];
  if (reason) throw unsupported(`toxic ${spec.type}`, reason);
  if (spec.toxicity !== undefined && spec.toxicity !== 1) throw unsupported(`toxic ${spec.type} with toxicity ${spec.toxicity}`, "NetworkChaos affects every connection of the selected pods, not a share of them");
  const stream = spec.stream ?? "downstream";
  if (stream !== "downstream" && stream !== "upstream") throw new FaultParameterError("stream", `must be upstream or downstream, got ${JSON.stringify(stream)}`);
  const [from, to] = stream === "downstream" ? ([service, "pipeline"] as const) : (["pipeline", service] as const);
  const between = { ...common(context, from), target: selectionOf(context.workloads[to]) };
  let input: NetworkChaosInput;
  switch (spec.type) {
    case "latency":
      input = { ...between, action: "delay", direction: "to", latencyMs: spec.attributes.latency, ...(spec.attributes.jitter ? { jitterMs: spec.attributes.jitter } : {}) };
      break;
    case "bandwidth":
      if (spec.attributes.rate === 0) throw new FaultParameterError("attributes.rate", "must be positive: 0 (unlimited) injects nothing");
      input = { ...between, action: "bandwidth", direction: "to", rateBytesPerSecond: spec.attributes.rate * 1000 };
      break;
    case "timeout":
      input = { ...between, action: "partition", direction: "both" };
      break;
    default:
      throw unsupported(`toxic ${spec.type}`, "no Chaos Mesh equivalent");
  }
  const target = `network ${describeWorkload(from, context.workloads[from])} -> ${describeWorkload(to, context.workloads[to])}`;
  const parameters = { ...spec, ...(spec.type === "timeout" && spec.attributes.timeout > 0 ? { approximation: "packets are dropped until removal; connections are not closed after the timeout" } : {}) };
  return { object: networkChaos(input), description: description(`toxic/${spec.type}`, TOXIC_CAUSES[spec.type], target, parameters) };
}

/** A partition: every packet between the service's pods and the pipeline's dropped, both ways. */
export function partitionChaos(service: ServiceName, context: MappingContext): { object: NetworkChaos; description: FaultDescription } {
  const object = networkChaos({ ...common(context, service), action: "partition", direction: "both", target: selectionOf(context.workloads.pipeline) });
  return { object, description: description("network/partition", "equipment-failure", `network ${describeWorkload(service, context.workloads[service])} <-> pipeline pods`, {}) };
}
