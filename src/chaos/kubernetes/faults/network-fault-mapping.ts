import { type ServiceName, type FaultDescription, FaultParameterError } from "../../core/index.ts";
import { TOXIC_CAUSES } from "../../faults/index.ts";
import type { ToxicSpec } from "../../toxiproxy/index.ts";
import { networkChaos, type NetworkChaos, type NetworkChaosInput } from "../chaos-mesh/network-chaos.ts";
import type { ClusterWorkload } from "../target/kubernetes-target.ts";
import { common, describeWorkload, description, selectionOf, unsupported, type MappingContext } from "./fault-mapping.ts";

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
  if (spec.toxicity !== undefined && spec.toxicity !== 1)
    throw unsupported(`toxic ${spec.type} with toxicity ${spec.toxicity}`, "NetworkChaos affects every connection of the selected pods, not a share of them");
  const stream = spec.stream ?? "downstream";
  if (stream !== "downstream" && stream !== "upstream")
    throw new FaultParameterError("stream", `must be upstream or downstream, got ${JSON.stringify(stream)}`);
  const [from, to] = stream === "downstream" ? ([service, "pipeline"] as const) : (["pipeline", service] as const);
  const between = { ...common(context, from), target: selectionOf(context.workloads[to]) };
  let input: NetworkChaosInput;
  switch (spec.type) {
    case "latency":
      input = {
        ...between,
        action: "delay",
        direction: "to",
        latencyMs: spec.attributes.latency,
        ...(spec.attributes.jitter ? { jitterMs: spec.attributes.jitter } : {}),
      };
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
  const parameters = {
    ...spec,
    ...(spec.type === "timeout" && spec.attributes.timeout > 0
      ? { approximation: "packets are dropped until removal; connections are not closed after the timeout" }
      : {}),
  };
  return { object: networkChaos(input), description: description(`toxic/${spec.type}`, TOXIC_CAUSES[spec.type], target, parameters) };
}

/** A partition: every packet between the service's pods and the pipeline's dropped, both ways. */
export function partitionChaos(service: ServiceName, context: MappingContext): { object: NetworkChaos; description: FaultDescription } {
  const object = networkChaos({ ...common(context, service), action: "partition", direction: "both", target: selectionOf(context.workloads.pipeline) });
  return {
    object,
    description: description(
      "network/partition",
      "equipment-failure",
      `network ${describeWorkload(service, context.workloads[service])} <-> pipeline pods`,
      {},
    ),
  };
}

/** Options of {@link lossChaos}. */
export interface PacketLossOptions {
  /** Packets dropped, percent (more than 0, at most 100). */
  percent: number;
  /** How much each packet's fate follows the previous one's, percent (netem's correlation; default 0: independent). */
  correlation?: number;
  /** Which of the workload's pods: every one (default), or one picked by Chaos Mesh (e.g. "a replica"). */
  pods?: "all" | "one";
}

/**
 * Packet loss on the traffic between a workload's pods and the pipeline's,
 * both ways: the workload's pods are the selection (so the pods hit are the
 * ones Chaos Mesh reports), the pipeline's pods the target.
 */
export function lossChaos(
  workload: ClusterWorkload,
  options: PacketLossOptions,
  context: MappingContext,
): { object: NetworkChaos; description: FaultDescription } {
  if (workload === "pipeline")
    throw new FaultParameterError("workload", "must not be the pipeline: the loss is between the pipeline's pods and another workload's");
  if (typeof options.percent !== "number" || !(options.percent > 0 && options.percent <= 100))
    throw new FaultParameterError("percent", `must be more than 0 (0 drops nothing) and at most 100, got ${JSON.stringify(options.percent)}`);
  const { correlation } = options;
  if (correlation !== undefined && (typeof correlation !== "number" || !(correlation >= 0 && correlation <= 100)))
    throw new FaultParameterError("correlation", `must be a percentage 0..100, got ${JSON.stringify(correlation)}`);
  const pods = options.pods ?? "all";
  if (pods !== "all" && pods !== "one") throw new FaultParameterError("pods", `must be all or one, got ${JSON.stringify(pods)}`);
  const object = networkChaos({
    ...common(context, workload),
    ...selectionOf(context.workloads[workload], pods),
    action: "loss",
    direction: "both",
    target: selectionOf(context.workloads.pipeline),
    lossPercent: options.percent,
    ...(correlation !== undefined ? { correlationPercent: correlation } : {}),
  });
  const which = pods === "one" ? "one of the " : "";
  return {
    object,
    description: description(
      "network/loss",
      "equipment-failure",
      `network ${which}${describeWorkload(workload, context.workloads[workload])} <-> pipeline pods`,
      { ...options, pods },
    ),
  };
}
