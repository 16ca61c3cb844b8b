/**
 * Reading a Chaos Mesh object's status. Chaos Mesh keeps four conditions
 * (Selected, AllInjected, AllRecovered, Paused) without transition times, and
 * per-container records whose events carry the controller's own timestamps.
 */

export type ChaosConditionType = "Selected" | "AllInjected" | "AllRecovered" | "Paused";

/** One record of status.experiment.containerRecords. */
export interface ChaosRecord {
  /** `namespace/pod` or `namespace/pod/container`. */
  id: string;
  phase?: string;
  injectedCount?: number;
  recoveredCount?: number;
  events?: { type: string; operation: string; timestamp: string; message?: string }[];
}

/** The part of a chaos object's status this project reads. */
export interface ChaosStatus {
  conditions?: { type: string; status: string; reason?: string }[];
  experiment?: { containerRecords?: ChaosRecord[]; desiredPhase?: string };
}

/** What the controller reported, as an object read back from the API. */
export interface ChaosObjectState {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; deletionTimestamp?: string; finalizers?: string[] };
  status?: ChaosStatus;
}

/** Whether `type` is "True" (true), "False" (false) or not reported yet (undefined). */
export function conditionStatus(state: ChaosObjectState, type: ChaosConditionType): boolean | undefined {
  const condition = state.status?.conditions?.find((item) => item.type === type);
  return condition === undefined ? undefined : condition.status === "True";
}

/** The pods the object selected, `namespace/pod`, without duplicates (one record per container). */
export function selectedPods(state: ChaosObjectState): string[] {
  const records = state.status?.experiment?.containerRecords ?? [];
  return [...new Set(records.map((record) => record.id.split("/").slice(0, 2).join("/")))];
}

/** The controller's timestamps of successful apply and recover operations, earliest first. */
export function recordTimes(state: ChaosObjectState): { appliedAt?: string; recoveredAt?: string } {
  const events = (state.status?.experiment?.containerRecords ?? []).flatMap((record) => record.events ?? []);
  const times = (operation: string) =>
    events
      .filter((event) => event.operation === operation && event.type === "Succeeded")
      .map((event) => event.timestamp)
      .sort();
  const applied = times("Apply");
  const recovered = times("Recover");
  return { ...(applied.length ? { appliedAt: applied[0] } : {}), ...(recovered.length ? { recoveredAt: recovered[recovered.length - 1] } : {}) };
}
