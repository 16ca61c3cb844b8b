import { WaitTimeoutError, createFaultHandle, effectSeen, type FaultDescription, type FaultHandle } from "../../core/index.ts";
import type { ChaosMeshObject } from "../chaos-mesh/chaos-object.ts";
import { conditionStatus, recordTimes, selectedPods } from "../chaos-mesh/chaos-status.ts";
import { NothingSelectedError } from "../errors.ts";
import { chaosResource, type GuardedCluster } from "../target/guarded-cluster.ts";
import { ChaosObserver } from "./chaos-observer.ts";

/** Facts of a chaos-object fault. Times ending in `AfterMs` count from the create request. */
export interface ChaosFaultObservations {
  /** "PodChaos chaos/kill-postgres-1a2b". */
  object: string;
  /** True when nothing was sent (dry-run): the rest is absent. */
  dryRun?: boolean;
  /** `namespace/pod` of every pod the object selected. */
  selectedPods?: string[];
  /** Create request to AllInjected=True seen. */
  injectedAfterMs?: number;
  /** Every condition change seen, relative to the create request. */
  conditions?: { type: string; status: boolean; afterMs: number }[];
  /** The controller's timestamps (wall clock) of its first apply and last recover. */
  appliedAt?: string;
  recoveredAt?: string;
  /** Once removed: create request to AllRecovered=True seen (or to the object being gone, if never seen). */
  recoveredAfterMs?: number;
  /** Once removed: delete request to the object being gone (finalizers included). */
  goneAfterMs?: number;
  /** How it ended: removed through the handle, or Chaos Mesh ended it when its duration ran out. */
  endedBy?: "removed" | "duration";
}

/**
 * Creates a chaos object and returns once Chaos Mesh reports it in effect
 * (AllInjected=True); `injectedAt` is when that was seen. Removal deletes the
 * object and waits until it is really gone (Chaos Mesh's finalizer recovers
 * the pods first). When Chaos Mesh ends the fault by itself (its duration), the
 * handle removes itself. Whatever fails after creation deletes the object again.
 */
/** Options of {@link injectChaos}. */
export interface InjectChaosOptions {
  /** Runs once the object is gone (e.g. waits for the pods to be Ready again); its facts join the observations. */
  afterRemoval?: (removalStartedAt: number) => Promise<Record<string, unknown>>;
}

export async function injectChaos(
  cluster: GuardedCluster,
  object: ChaosMeshObject,
  description: FaultDescription,
  options: InjectChaosOptions = {},
): Promise<FaultHandle> {
  const requested = performance.now();
  const created = await cluster.createChaos(object);
  const { tracked } = created;
  if (created.dryRun)
    return createFaultHandle(
      description,
      { object: tracked.id, dryRun: true } satisfies ChaosFaultObservations,
      () => tracked.remove(),
      effectSeen("dry run: nothing injected", requested),
    );

  const { namespace, name } = object.metadata;
  const observer = new ChaosObserver(cluster.client, chaosResource(object), namespace, name, created.object);
  let injectedAt: number;
  try {
    injectedAt = await observer.until(
      "AllInjected",
      cluster.target.injectTimeoutMs,
      (elapsedMs) => new WaitTimeoutError(`${tracked.id} to report AllInjected=True`, elapsedMs),
    );
    const state = observer.latest;
    if (conditionStatus(state, "Selected") === false || selectedPods(state).length === 0) throw new NothingSelectedError(tracked.id);
  } catch (error) {
    observer.stop();
    await tracked.remove().catch(() => undefined);
    throw error;
  }

  const conditions: NonNullable<ChaosFaultObservations["conditions"]> = [];
  const syncConditions = () =>
    conditions.splice(
      0,
      conditions.length,
      ...observer.changes.map((change) => ({ type: change.type, status: change.status, afterMs: change.seenAt - requested })),
    );
  syncConditions();
  let endedBy: ChaosFaultObservations["endedBy"] = "removed";
  let removing = false;
  let removalRequested = false;
  const handle = createFaultHandle(
    description,
    {
      object: tracked.id,
      selectedPods: selectedPods(observer.latest),
      injectedAfterMs: injectedAt - requested,
      conditions,
      ...recordTimes(observer.latest),
    } satisfies ChaosFaultObservations,
    async () => {
      removing = true;
      removalRequested = true;
      const deleting = performance.now();
      try {
        await tracked.remove();
      } catch (error) {
        removing = false;
        throw error;
      }
      const gone = performance.now();
      observer.stop();
      syncConditions();
      const recoveredSeen = [...observer.changes].reverse().find((change) => change.type === "AllRecovered" && change.status);
      const after = options.afterRemoval ? await options.afterRemoval(deleting) : {};
      return {
        goneAfterMs: gone - deleting,
        recoveredAfterMs: (recoveredSeen?.seenAt ?? gone) - requested,
        endedBy,
        ...recordTimes(observer.latest),
        ...after,
      };
    },
    effectSeen("Chaos Mesh reported AllInjected=True", injectedAt),
  );
  observer.onChange(() => {
    syncConditions();
    if (!removing && conditionStatus(observer.latest, "AllRecovered") === true) {
      if (!removalRequested) endedBy = "duration";
      void handle.remove().catch(() => undefined);
    }
  });
  return handle;
}
