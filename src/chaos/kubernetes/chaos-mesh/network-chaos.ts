import { FaultParameterError } from "../../core/index.ts";
import {
  buildCommon,
  buildSelection,
  chaosObject,
  withoutUndefined,
  type ChaosCommonInput,
  type ChaosMeshObject,
  type ChaosSelection,
  type PodSelectionInput,
} from "./chaos-object.ts";
import { goDuration, integerIn, percentString } from "./chaos-parameters.ts";

/**
 * Packets the fault applies to, relative to the selected pods: `to` the
 * target (egress of the selected pods), `from` the target, or `both`.
 */
export type NetworkDirection = "to" | "from" | "both";
const DIRECTIONS: readonly NetworkDirection[] = ["to", "from", "both"];

/** Options of every NetworkChaos. */
interface NetworkCommonInput extends ChaosCommonInput {
  /** Default "to". */
  direction?: NetworkDirection;
  /** Only traffic between the selected pods and these pods (e.g. pipeline -> postgres replica); default all traffic. */
  target?: PodSelectionInput;
  /** Only traffic with these hosts or CIDRs outside the cluster. */
  externalTargets?: readonly string[];
}

/** Correlation with the previous packet's fate, percent (netem's). */
interface Correlated {
  correlationPercent?: number;
}

/** One NetworkChaos action with its own parameters, keyed by `action`. */
export type NetworkChaosInput = NetworkCommonInput &
  (
    | ({ action: "delay"; /** Added latency, ms. */ latencyMs: number; /** Variation, ms. */ jitterMs?: number } & Correlated)
    | ({ action: "loss"; /** Packets dropped, percent. */ lossPercent: number } & Correlated)
    | ({ action: "duplicate"; /** Packets sent twice, percent. */ duplicatePercent: number } & Correlated)
    | ({ action: "corrupt"; /** Packets with a flipped bit, percent. */ corruptPercent: number } & Correlated)
    | { action: "partition" }
    | {
        action: "bandwidth";
        /** Throughput cap, bytes per second. */
        rateBytesPerSecond: number;
        /** Bytes that may queue waiting for tokens (default 20 MiB). */
        limitBytes?: number;
        /** Burst size, bytes (default 10 000). */
        bufferBytes?: number;
      }
  );

export type NetworkChaosAction = NetworkChaosInput["action"];

export interface NetworkChaosSpec extends ChaosSelection {
  action: NetworkChaosAction;
  direction: NetworkDirection;
  duration?: string;
  target?: ChaosSelection;
  externalTargets?: string[];
  delay?: { latency: string; jitter?: string; correlation?: string };
  loss?: { loss: string; correlation?: string };
  duplicate?: { duplicate: string; correlation?: string };
  corrupt?: { corrupt: string; correlation?: string };
  bandwidth?: { rate: string; limit: number; buffer: number };
}

export type NetworkChaos = ChaosMeshObject<"NetworkChaos", NetworkChaosSpec>;

const DEFAULT_LIMIT_BYTES = 20 * 1024 * 1024;
const DEFAULT_BUFFER_BYTES = 10_000;
const INT32_MAX = 2 ** 31 - 1;

/** A NetworkChaos object. */
export function networkChaos(input: NetworkChaosInput): NetworkChaos {
  const { metadata, selection, duration } = buildCommon(input);
  const direction = input.direction ?? "to";
  if (!DIRECTIONS.includes(direction)) throw new FaultParameterError("direction", `must be to, from or both, got ${JSON.stringify(direction)}`);
  const externalTargets = input.externalTargets === undefined ? undefined : [...input.externalTargets];
  if (externalTargets?.some((host) => typeof host !== "string" || host === "")) throw new FaultParameterError("externalTargets", "must be host names or CIDRs");
  const spec: NetworkChaosSpec = {
    action: input.action,
    ...selection,
    direction,
    duration,
    target: input.target === undefined ? undefined : buildSelection(input.target, "target"),
    externalTargets,
  };
  const correlation = (value: number | undefined) => (value === undefined ? undefined : percentString(value, "correlationPercent"));
  switch (input.action) {
    case "delay":
      spec.delay = withoutUndefined({
        latency: goDuration(input.latencyMs, "latencyMs"),
        jitter: input.jitterMs === undefined ? undefined : goDuration(input.jitterMs, "jitterMs", { allowZero: true }),
        correlation: correlation(input.correlationPercent),
      });
      break;
    case "loss":
      spec.loss = withoutUndefined({ loss: percentString(input.lossPercent, "lossPercent"), correlation: correlation(input.correlationPercent) });
      break;
    case "duplicate":
      spec.duplicate = withoutUndefined({
        duplicate: percentString(input.duplicatePercent, "duplicatePercent"),
        correlation: correlation(input.correlationPercent),
      });
      break;
    case "corrupt":
      spec.corrupt = withoutUndefined({ corrupt: percentString(input.corruptPercent, "corruptPercent"), correlation: correlation(input.correlationPercent) });
      break;
    case "partition":
      break;
    case "bandwidth":
      spec.bandwidth = {
        rate: `${integerIn(input.rateBytesPerSecond, 1, Number.MAX_SAFE_INTEGER, "rateBytesPerSecond")}bps`,
        limit: integerIn(input.limitBytes ?? DEFAULT_LIMIT_BYTES, 1, INT32_MAX, "limitBytes"),
        buffer: integerIn(input.bufferBytes ?? DEFAULT_BUFFER_BYTES, 1, INT32_MAX, "bufferBytes"),
      };
      break;
    default:
      throw new FaultParameterError(
        "action",
        `must be delay, loss, duplicate, corrupt, partition or bandwidth, got ${JSON.stringify((input as { action: unknown }).action)}`,
      );
  }
  return chaosObject("NetworkChaos", metadata, spec);
}
