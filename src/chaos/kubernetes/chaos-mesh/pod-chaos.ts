import { FaultParameterError } from "../../core/index.ts";
import { buildCommon, chaosObject, type ChaosCommonInput, type ChaosMeshObject, type ChaosSelection } from "./chaos-object.ts";
import { integerIn, nonEmptyStrings } from "./chaos-parameters.ts";

/**
 * `pod-kill` deletes the pods (their controller starts new ones), `pod-failure`
 * swaps their containers' image for a pause image until the fault ends, and
 * `container-kill` kills named containers (the kubelet restarts them).
 */
export type PodChaosAction = "pod-kill" | "pod-failure" | "container-kill";
export const POD_CHAOS_ACTIONS: readonly PodChaosAction[] = ["pod-kill", "pod-failure", "container-kill"];

export interface PodChaosInput extends ChaosCommonInput {
  action: PodChaosAction;
  /** pod-kill only: seconds the pod gets to shut down (default 0, deleted at once). */
  gracePeriodSeconds?: number;
  /** Containers to act on; required for container-kill. */
  containerNames?: readonly string[];
}

export interface PodChaosSpec extends ChaosSelection {
  action: PodChaosAction;
  duration?: string;
  gracePeriod?: number;
  containerNames?: string[];
}

export type PodChaos = ChaosMeshObject<"PodChaos", PodChaosSpec>;

/** A PodChaos object; pod-failure needs a duration (Chaos Mesh requires one), container-kill container names. */
export function podChaos(input: PodChaosInput): PodChaos {
  if (!POD_CHAOS_ACTIONS.includes(input.action))
    throw new FaultParameterError("action", `must be one of ${POD_CHAOS_ACTIONS.join(", ")}, got ${JSON.stringify(input.action)}`);
  const { metadata, selection, duration } = buildCommon(input);
  if (input.action === "pod-failure" && duration === undefined) throw new FaultParameterError("durationMs", "is required for pod-failure");
  if (input.gracePeriodSeconds !== undefined && input.action !== "pod-kill")
    throw new FaultParameterError("gracePeriodSeconds", `only applies to pod-kill, not ${input.action}`);
  const containerNames = nonEmptyStrings(input.containerNames, "containerNames");
  if (input.action === "container-kill" && containerNames === undefined) throw new FaultParameterError("containerNames", "is required for container-kill");
  return chaosObject("PodChaos", metadata, {
    action: input.action,
    ...selection,
    duration,
    gracePeriod: input.gracePeriodSeconds === undefined ? undefined : integerIn(input.gracePeriodSeconds, 0, 86_400, "gracePeriodSeconds"),
    containerNames,
  });
}
