import type { V1Job, V1Pod, V1Secret } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { waitFor } from "../../core/index.ts";
import { CHAOS_MESH_GROUP, CHAOS_MESH_VERSION, CHAOS_PLURALS, type ChaosMeshObject } from "../chaos-mesh/chaos-object.ts";
import type { ChaosObjectState } from "../chaos-mesh/chaos-status.ts";
import type { CustomResource, KubeClient } from "../client/kube-client.ts";
import { ChaosGuard } from "./chaos-guard.ts";
import type { KubernetesTarget } from "./kubernetes-target.ts";
import { ObjectTracker, type TrackedObject } from "./object-tracker.ts";

/** A write that dry-run printed instead of sending. */
export interface PlannedWrite {
  verb: "create" | "delete" | "evict" | "cordon" | "uncordon";
  kind: string;
  namespace: string | undefined;
  name: string;
  /** The object as it would have been sent (Secret values redacted). */
  object?: unknown;
}

/** A chaos object as created (or, in dry-run, as it would have been). */
export interface CreatedChaos<T extends ChaosMeshObject = ChaosMeshObject> {
  object: T & ChaosObjectState;
  tracked: TrackedObject;
  dryRun: boolean;
}

/**
 * The only way this project writes to a cluster. Every write checks the
 * safety rules first (namespace allowed and marked; node marked), dry-run
 * prints instead of writing, and every created object is tracked so it is
 * deleted on removal, on failure and on Ctrl-C.
 */
export class GuardedCluster {
  readonly tracker = new ObjectTracker();
  /** What dry-run would have written, in order. */
  readonly planned: PlannedWrite[] = [];
  private readonly guard: ChaosGuard;

  constructor(
    readonly client: KubeClient,
    readonly target: KubernetesTarget,
  ) {
    this.guard = new ChaosGuard(client, target.allowedNamespaces);
  }

  get dryRun(): boolean {
    return this.target.dryRun;
  }

  checkNamespace(namespace: string): Promise<void> {
    return this.guard.checkNamespace(namespace);
  }

  /** Creates a chaos object; its tracked removal deletes it and waits until finalizers let it go. */
  async createChaos<T extends ChaosMeshObject>(object: T): Promise<CreatedChaos<T>> {
    const { namespace, name } = object.metadata;
    const id = `${object.kind} ${namespace}/${name}`;
    await this.guard.checkNamespace(namespace);
    for (const selected of namespacesOf(object.spec)) if (selected !== namespace) await this.guard.checkNamespace(selected);
    if (this.dryRun) return { object, tracked: this.plan("create", object.kind, namespace, name, object), dryRun: true };
    const resource = chaosResource(object);
    const created = await this.client.createCustomObject(resource, namespace, object as never);
    const tracked = this.tracker.track(id, () => this.deleteAndWaitGone(resource, namespace, name, id));
    return { object: created as T & ChaosObjectState, tracked, dryRun: false };
  }

  /** Creates a Job; its tracked removal deletes it and its pods. */
  async createJob(job: V1Job): Promise<{ job: V1Job; tracked: TrackedObject }> {
    const namespace = job.metadata!.namespace!;
    const name = job.metadata!.name!;
    await this.guard.checkNamespace(namespace);
    if (this.dryRun) return { job, tracked: this.plan("create", "Job", namespace, name, job) };
    const created = await this.client.createJob(namespace, job);
    return { job: created, tracked: this.tracker.track(`Job ${namespace}/${name}`, async () => void (await this.client.deleteJob(namespace, name))) };
  }

  /** Creates a Secret (printed with its values redacted in dry-run). */
  async createSecret(secret: V1Secret): Promise<TrackedObject> {
    const namespace = secret.metadata!.namespace!;
    const name = secret.metadata!.name!;
    await this.guard.checkNamespace(namespace);
    if (this.dryRun) return this.plan("create", "Secret", namespace, name, redacted(secret));
    await this.client.createSecret(namespace, secret);
    return this.tracker.track(`Secret ${namespace}/${name}`, async () => void (await this.client.deleteSecret(namespace, name)));
  }

  /** Deletes a pod (0 = at once); false when it was already gone (or in dry-run). */
  async deletePod(namespace: string, name: string, gracePeriodSeconds?: number): Promise<boolean> {
    await this.guard.checkNamespace(namespace);
    if (this.dryRun) {
      this.plan("delete", "Pod", namespace, name, { gracePeriodSeconds });
      return false;
    }
    return this.client.deletePod(namespace, name, gracePeriodSeconds);
  }

  /** Cordons or uncordons a node that carries the allow-chaos mark. */
  async setUnschedulable(node: string, unschedulable: boolean): Promise<void> {
    await this.guard.checkNode(node);
    if (this.dryRun) {
      this.plan(unschedulable ? "cordon" : "uncordon", "Node", undefined, node);
      return;
    }
    await this.client.setUnschedulable(node, unschedulable);
  }

  /** Evicts a pod from a node that carries the allow-chaos mark (a drain acts on every namespace of the node). */
  async evictFromNode(node: string, pod: V1Pod): Promise<void> {
    if (pod.spec?.nodeName !== node) throw new Error(`pod ${pod.metadata?.namespace}/${pod.metadata?.name} is not on node ${node}`);
    await this.guard.checkNode(node);
    if (this.dryRun) {
      this.plan("evict", "Pod", pod.metadata?.namespace, pod.metadata?.name ?? "");
      return;
    }
    await this.client.evictPod(pod.metadata!.namespace!, pod.metadata!.name!);
  }

  private plan(verb: PlannedWrite["verb"], kind: string, namespace: string | undefined, name: string, object?: unknown): TrackedObject {
    this.planned.push({ verb, kind, namespace, name, ...(object !== undefined ? { object } : {}) });
    const where = namespace ? `${namespace}/${name}` : name;
    this.target.log(`[dry-run] would ${verb} ${kind} ${where}${object !== undefined && verb === "create" ? `:\n${indent(stringify(object))}` : ""}`);
    return { id: `${kind} ${where} (dry-run)`, remove: async () => this.target.log(`[dry-run] would delete ${kind} ${where}`) };
  }

  private async deleteAndWaitGone(resource: CustomResource, namespace: string, name: string, id: string): Promise<void> {
    await this.client.deleteCustomObject(resource, namespace, name);
    await waitFor(async () => (await this.client.getCustomObject(resource, namespace, name)) === undefined, {
      description: `${id} to be gone after deletion (its finalizers to finish)`,
      timeoutMs: this.target.removeTimeoutMs,
      intervalMs: 100,
    });
  }
}

/** The custom resource of a chaos object's kind. */
export function chaosResource(object: Pick<ChaosMeshObject, "kind">): CustomResource {
  return { group: CHAOS_MESH_GROUP, version: CHAOS_MESH_VERSION, plural: CHAOS_PLURALS[object.kind] };
}

/** Namespaces a chaos spec selects pods in (its selector and its NetworkChaos target): each must be allowed too. */
function namespacesOf(spec: object): string[] {
  const selection = spec as { selector?: { namespaces?: string[] }; target?: { selector?: { namespaces?: string[] } } };
  return [...new Set([...(selection.selector?.namespaces ?? []), ...(selection.target?.selector?.namespaces ?? [])])];
}

function redacted(secret: V1Secret): V1Secret {
  const hide = (values: Record<string, string> | undefined) => (values ? Object.fromEntries(Object.keys(values).map((key) => [key, "<redacted>"])) : undefined);
  return { ...secret, ...(secret.data ? { data: hide(secret.data) } : {}), ...(secret.stringData ? { stringData: hide(secret.stringData) } : {}) };
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
