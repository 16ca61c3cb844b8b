import { randomBytes } from "node:crypto";
import type { FakeKubeStore, StoredObject } from "./fake-kube-store.ts";

export const PODS = "v1/pods";

/** A pod to seed the fake with. */
export interface FakePodInput {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  nodeName?: string;
  /** Kind of the owning controller: DaemonSet pods are skipped by drains; ReplicaSet/StatefulSet pods are recreated after a kill. */
  ownerKind?: "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job";
  ownerName?: string;
  containers?: string[];
  ready?: boolean;
}

/** A pod object as the API server would return it. */
export function podObject(input: FakePodInput): StoredObject {
  const ready = input.ready ?? true;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: { ...input.labels },
      ...(input.ownerKind
        ? {
            ownerReferences: [
              {
                apiVersion: input.ownerKind === "Job" ? "batch/v1" : "apps/v1",
                kind: input.ownerKind,
                name: input.ownerName ?? `${input.name}-owner`,
                uid: "owner",
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: { nodeName: input.nodeName ?? "node-a", containers: (input.containers ?? ["main"]).map((name) => ({ name, image: "example/image" })) },
    status: podStatus(ready ? "Running" : "Pending", ready),
  };
}

export function podStatus(phase: string, ready: boolean, terminated?: { exitCode: number; reason: string }): Record<string, unknown> {
  return {
    phase,
    conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    containerStatuses: [
      {
        name: "main",
        ready,
        restartCount: 0,
        image: "example/image",
        imageID: "",
        state: terminated
          ? { terminated: { ...terminated, startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() } }
          : { running: { startedAt: new Date().toISOString() } },
      },
    ],
  };
}

/** Whether the pod reports Ready=True. */
export function podReady(pod: StoredObject): boolean {
  const conditions = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((condition) => condition.type === "Ready" && condition.status === "True");
}

/** What a ReplicaSet or StatefulSet does after one of its pods is deleted: start a replacement, Ready shortly after. */
export function recreateLater(store: FakeKubeStore, pod: StoredObject, delayMs: number, schedulable: (node: string) => boolean = () => true): void {
  const owner = (pod.metadata.ownerReferences as { kind: string }[] | undefined)?.[0]?.kind;
  if (owner !== "ReplicaSet" && owner !== "StatefulSet") return;
  setTimeout(() => {
    const name =
      owner === "StatefulSet" ? pod.metadata.name : `${pod.metadata.name.replace(/-[a-z0-9]{5}$/, "")}-${randomBytes(3).toString("hex").slice(0, 5)}`;
    const replacement = structuredClone(pod);
    replacement.metadata = { name, namespace: pod.metadata.namespace, labels: pod.metadata.labels, ownerReferences: pod.metadata.ownerReferences };
    replacement.status = podStatus("Running", true);
    const node = (pod.spec as { nodeName: string }).nodeName;
    if (!schedulable(node)) (replacement.spec as { nodeName: string }).nodeName = `${node}-replacement`;
    store.create(PODS, replacement);
  }, delayMs).unref();
}
