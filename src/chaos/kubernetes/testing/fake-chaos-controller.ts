import type { FakeKubeStore, StoredObject } from "./fake-kube-store.ts";
import { matchesLabels } from "./fake-kube-store.ts";
import { PODS, podStatus, recreateLater } from "./fake-pods.ts";

/** How fast the fake Chaos Mesh acts. */
export interface FakeChaosTiming {
  /** After creation, until the pods are selected and AllInjected=True (default 50). */
  injectDelayMs: number;
  /** After a delete request, until recovery is reported and the finalizer released (default 100). */
  finalizerDelayMs: number;
  /** After a pod-kill, until a ReplicaSet/StatefulSet pod is back and Ready (default 50). */
  recreateDelayMs: number;
  /** Never report AllInjected (for timeout tests). */
  neverInject: boolean;
}

const FINALIZER = "chaos-mesh/records";

/**
 * A small stand-in for the Chaos Mesh controller: selects pods like its
 * selector does, reports Selected/AllInjected, acts on pods for PodChaos,
 * recovers when the duration runs out or on deletion, and holds deletion
 * with its records finalizer until it has recovered.
 */
export class FakeChaosController {
  constructor(
    private readonly store: FakeKubeStore,
    private readonly timing: FakeChaosTiming,
    private readonly schedulable: (node: string) => boolean,
  ) {}

  /** Prepares a freshly created object (finalizer, initial status) and schedules its injection. */
  admit(object: StoredObject): void {
    object.metadata.finalizers = [FINALIZER];
    object.status = {
      conditions: conditions({ Selected: false, AllInjected: false, AllRecovered: false, Paused: false }),
      experiment: { desiredPhase: "Run" },
    };
  }

  created(collection: string, object: StoredObject): void {
    const { namespace, name } = object.metadata;
    if (this.timing.neverInject) return;
    setTimeout(() => this.inject(collection, namespace!, name), this.timing.injectDelayMs).unref();
  }

  deleteRequested(collection: string, object: StoredObject): void {
    const { namespace, name } = object.metadata;
    setTimeout(() => {
      this.recover(collection, namespace!, name);
      this.store.finishDeletion(collection, namespace, name);
    }, this.timing.finalizerDelayMs).unref();
  }

  private inject(collection: string, namespace: string, name: string): void {
    const object = this.store.get(collection, namespace, name);
    if (!object || object.metadata.deletionTimestamp) return;
    const spec = object.spec as {
      action?: string;
      mode?: string;
      duration?: string;
      selector: { namespaces?: string[]; labelSelectors?: Record<string, string> };
    };
    let pods = (spec.selector.namespaces ?? [namespace])
      .flatMap((selected) => this.store.list(PODS, selected))
      .filter((pod) => matchesLabels(pod.metadata.labels, spec.selector.labelSelectors));
    if (spec.mode === "one") pods = pods.slice(0, 1);
    const now = new Date().toISOString();
    this.store.update(collection, namespace, name, (stored) => {
      stored.status = {
        conditions: conditions({ Selected: pods.length > 0, AllInjected: true, AllRecovered: false, Paused: false }),
        experiment: {
          desiredPhase: "Run",
          containerRecords: pods.map((pod) => ({
            id: `${pod.metadata.namespace}/${pod.metadata.name}`,
            phase: "Injected",
            selectorKey: ".",
            injectedCount: 1,
            recoveredCount: 0,
            events: [{ type: "Succeeded", operation: "Apply", timestamp: now }],
          })),
        },
      };
    });
    if (collection.endsWith("/podchaos")) this.actOnPods(spec.action, pods);
    const durationMs = spec.duration ? parseGoDuration(spec.duration) : undefined;
    if (durationMs !== undefined) setTimeout(() => this.recover(collection, namespace, name), durationMs).unref();
  }

  private actOnPods(action: string | undefined, pods: StoredObject[]): void {
    for (const pod of pods) {
      const { namespace, name } = pod.metadata;
      if (action === "pod-kill") {
        this.store.finishDeletion(PODS, namespace, name);
        recreateLater(this.store, pod, this.timing.recreateDelayMs, this.schedulable);
      } else if (action === "pod-failure") {
        this.store.update(PODS, namespace, name, (stored) => (stored.status = podStatus("Running", false)));
      }
    }
  }

  private recover(collection: string, namespace: string, name: string): void {
    const object = this.store.get(collection, namespace, name);
    const status = object?.status as
      | {
          conditions: { type: string; status: string }[];
          experiment: { containerRecords?: { id: string; events: unknown[]; recoveredCount: number; phase: string }[] };
        }
      | undefined;
    if (!object || !status || status.conditions.some((condition) => condition.type === "AllRecovered" && condition.status === "True")) return;
    const spec = object.spec as { action?: string };
    const now = new Date().toISOString();
    this.store.update(collection, namespace, name, (stored) => {
      const records = status.experiment.containerRecords ?? [];
      for (const record of records) {
        record.phase = "Not Injected";
        record.recoveredCount = 1;
        record.events.push({ type: "Succeeded", operation: "Recover", timestamp: now });
      }
      stored.status = {
        conditions: conditions({ Selected: records.length > 0, AllInjected: false, AllRecovered: true, Paused: false }),
        experiment: { desiredPhase: "Stop", containerRecords: records },
      };
    });
    if (collection.endsWith("/podchaos") && spec.action === "pod-failure") {
      for (const record of status.experiment.containerRecords ?? []) {
        const [podNamespace, podName] = record.id.split("/");
        this.store.update(PODS, podNamespace, podName!, (pod) => (pod.status = podStatus("Running", true)));
      }
    }
  }
}

function conditions(states: Record<string, boolean>): { type: string; status: string; reason: string }[] {
  return Object.entries(states).map(([type, status]) => ({ type, status: status ? "True" : "False", reason: "" }));
}

/** Go's duration syntax as Chaos Mesh writes it ("1500ms", "2m30s", "250us"), in ms. */
export function parseGoDuration(text: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9.]+)(ns|us|µs|ms|s|m|h)/g)) total += Number(amount) * units[unit!]!;
  return total;
}
