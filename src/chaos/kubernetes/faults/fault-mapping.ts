/**
 * How the fault library's intents become Chaos Mesh objects: pure functions
 * from a fault request to an object and its description, or an
 * UnsupportedFaultError saying why Chaos Mesh cannot produce it.
 */
import { type ServiceName, type DowntimeCause, type FaultDescription, UnsupportedFaultError } from "../../core/index.ts";
import type { PodSelectionInput } from "../chaos-mesh/chaos-object.ts";
import { type ClusterWorkload, type WorkloadSelector, labelSelectorString } from "../target/kubernetes-target.ts";

export const ENVIRONMENT = "kubernetes";

/** What every object of one injection shares. */
export interface MappingContext {
  /** Object name (unique per injection). */
  name: string;
  /** Namespace the object is created in. */
  namespace: string;
  labels: Record<string, string>;
  /** The object's duration: what the fault asked for, capped by the target's maxFaultDurationMs. */
  durationMs: number;
  workloads: Readonly<Record<ClusterWorkload, WorkloadSelector>>;
}

/** The Chaos Mesh selection of a workload's pods. */
export function selectionOf(workload: WorkloadSelector, mode: PodSelectionInput["mode"] = "all"): PodSelectionInput {
  return { selector: { namespaces: [workload.namespace], labelSelectors: { ...workload.labels } }, mode };
}

/** "postgres pods (chaos: app.kubernetes.io/name=postgresql)", for descriptions. */
export function describeWorkload(name: ClusterWorkload, workload: WorkloadSelector): string {
  return `${name} pods (${workload.namespace}: ${labelSelectorString(workload.labels)})`;
}

export function description(kind: string, cause: DowntimeCause, target: string, parameters: Record<string, unknown>): FaultDescription {
  return { kind, cause, target, parameters };
}

export function unsupported(fault: string, reason: string): UnsupportedFaultError {
  return new UnsupportedFaultError(fault, ENVIRONMENT, reason);
}

/** The common fields of an object input for `service`'s pods. */
export function common(
  context: MappingContext,
  workload: ClusterWorkload | ServiceName,
): { name: string; namespace: string; labels: Record<string, string>; durationMs: number } & PodSelectionInput {
  return {
    name: context.name,
    namespace: context.namespace,
    labels: context.labels,
    durationMs: context.durationMs,
    ...selectionOf(context.workloads[workload]),
  };
}
