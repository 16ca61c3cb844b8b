import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Job,
  type V1Namespace,
  type V1Node,
  type V1Pod,
  type V1Secret,
} from "@kubernetes/client-node";
import { KubernetesConfigError } from "../errors.ts";
import { apiCall, apiCallOrMissing } from "./api-call.ts";
import { watchPath, type WatchEvent, type WatchSubscription } from "./object-watch.ts";

/** A custom resource type, e.g. `{ group: "chaos-mesh.org", version: "v1alpha1", plural: "podchaos" }`. */
export interface CustomResource {
  group: string;
  version: string;
  plural: string;
}

/** Any object as the API returns it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Where the cluster is: a kubeconfig file (default: $KUBECONFIG or ~/.kube/config) and a context in it (default: its current context). */
export interface KubeClientOptions {
  kubeconfigPath?: string;
  context?: string;
}

/**
 * A thin, typed layer over @kubernetes/client-node: every call names its
 * operation in errors, and a 404 on a read is `undefined`, not an error. It
 * enforces no safety rule itself: writes go through the GuardedCluster.
 */
export class KubeClient {
  readonly core: CoreV1Api;
  readonly batch: BatchV1Api;
  readonly customObjects: CustomObjectsApi;

  private constructor(readonly config: KubeConfig) {
    this.core = config.makeApiClient(CoreV1Api);
    this.batch = config.makeApiClient(BatchV1Api);
    this.customObjects = config.makeApiClient(CustomObjectsApi);
  }

  static fromKubeconfig(options: KubeClientOptions = {}): KubeClient {
    const config = new KubeConfig();
    if (options.kubeconfigPath) config.loadFromFile(options.kubeconfigPath);
    else config.loadFromDefault();
    if (options.context) {
      if (!config.getContexts().some((context) => context.name === options.context)) {
        throw new KubernetesConfigError(
          "context",
          `${JSON.stringify(options.context)} is not in the kubeconfig (has: ${
            config
              .getContexts()
              .map((context) => context.name)
              .join(", ") || "none"
          })`,
        );
      }
      config.setCurrentContext(options.context);
    }
    if (!config.getCurrentCluster()) throw new KubernetesConfigError("context", "names no cluster (is the kubeconfig empty?)");
    return new KubeClient(config);
  }

  /** The kubeconfig context in use. */
  get context(): string {
    return this.config.getCurrentContext();
  }

  readNamespace(name: string): Promise<V1Namespace | undefined> {
    return apiCallOrMissing(`read namespace ${name}`, () => this.core.readNamespace({ name }));
  }

  readNode(name: string): Promise<V1Node | undefined> {
    return apiCallOrMissing(`read node ${name}`, () => this.core.readNode({ name }));
  }

  createCustomObject<T extends object>(resource: CustomResource, namespace: string, body: T): Promise<T & KubeObject> {
    return apiCall(`create ${resource.plural} ${namespace}/${(body as KubeObject).metadata?.name}`, () =>
      this.customObjects.createNamespacedCustomObject({ ...resource, namespace, body }),
    ) as Promise<T & KubeObject>;
  }

  getCustomObject<T = KubeObject>(resource: CustomResource, namespace: string, name: string): Promise<T | undefined> {
    return apiCallOrMissing(`get ${resource.plural} ${namespace}/${name}`, () =>
      this.customObjects.getNamespacedCustomObject({ ...resource, namespace, name }),
    ) as Promise<T | undefined>;
  }

  async listCustomObjects<T = KubeObject>(resource: CustomResource, namespace: string, labelSelector?: string): Promise<T[]> {
    const list = (await apiCall(`list ${resource.plural} in ${namespace}`, () =>
      this.customObjects.listNamespacedCustomObject({ ...resource, namespace, ...(labelSelector ? { labelSelector } : {}) }),
    )) as { items?: T[] };
    return list.items ?? [];
  }

  /** Asks for deletion; false when the object was already gone. Finalizers may keep it a while: see GET. */
  async deleteCustomObject(resource: CustomResource, namespace: string, name: string): Promise<boolean> {
    const deleted = await apiCallOrMissing(`delete ${resource.plural} ${namespace}/${name}`, () =>
      this.customObjects.deleteNamespacedCustomObject({ ...resource, namespace, name }),
    );
    return deleted !== undefined;
  }

  /** Watches one custom object by name from `resourceVersion` on. */
  watchCustomObject<T>(
    resource: CustomResource,
    namespace: string,
    name: string,
    resourceVersion: string | undefined,
    onEvent: (event: WatchEvent<T>) => void,
  ): Promise<WatchSubscription> {
    const path = `/apis/${resource.group}/${resource.version}/namespaces/${namespace}/${resource.plural}`;
    return watchPath(this.config, path, { fieldSelector: `metadata.name=${name}`, resourceVersion, allowWatchBookmarks: false }, onEvent);
  }

  async listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]> {
    const list = await apiCall(`list pods in ${namespace}`, () => this.core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) }));
    return list.items;
  }

  /** Every pod scheduled on `node`, in all namespaces. */
  async listPodsOnNode(node: string): Promise<V1Pod[]> {
    const list = await apiCall(`list pods on node ${node}`, () => this.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` }));
    return list.items;
  }

  readPod(namespace: string, name: string): Promise<V1Pod | undefined> {
    return apiCallOrMissing(`read pod ${namespace}/${name}`, () => this.core.readNamespacedPod({ namespace, name }));
  }

  /** Deletes a pod (0 = at once, as kill -9 of its processes); false when it was already gone. */
  async deletePod(namespace: string, name: string, gracePeriodSeconds?: number): Promise<boolean> {
    const deleted = await apiCallOrMissing(`delete pod ${namespace}/${name}`, () =>
      this.core.deleteNamespacedPod({ namespace, name, ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) }),
    );
    return deleted !== undefined;
  }

  /** Evicts a pod through the Eviction API, which honours PodDisruptionBudgets (HTTP 429 while one forbids it). */
  async evictPod(namespace: string, name: string): Promise<void> {
    await apiCall(`evict pod ${namespace}/${name}`, () =>
      this.core.createNamespacedPodEviction({ namespace, name, body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } } }),
    );
  }

  /** Sets `spec.unschedulable` (cordon / uncordon) with a JSON merge patch. */
  setUnschedulable(node: string, unschedulable: boolean): Promise<V1Node> {
    return apiCall(`${unschedulable ? "cordon" : "uncordon"} node ${node}`, () =>
      this.core.patchNode({ name: node, body: { spec: { unschedulable } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch)),
    );
  }

  createJob(namespace: string, body: V1Job): Promise<V1Job> {
    return apiCall(`create job ${namespace}/${body.metadata?.name}`, () => this.batch.createNamespacedJob({ namespace, body }));
  }

  readJob(namespace: string, name: string): Promise<V1Job | undefined> {
    return apiCallOrMissing(`read job ${namespace}/${name}`, () => this.batch.readNamespacedJob({ namespace, name }));
  }

  /** Deletes a Job and (in the background) its pods; false when it was already gone. */
  async deleteJob(namespace: string, name: string): Promise<boolean> {
    const deleted = await apiCallOrMissing(`delete job ${namespace}/${name}`, () =>
      this.batch.deleteNamespacedJob({ namespace, name, propagationPolicy: "Background" }),
    );
    return deleted !== undefined;
  }

  watchJob(namespace: string, name: string, resourceVersion: string | undefined, onEvent: (event: WatchEvent<V1Job>) => void): Promise<WatchSubscription> {
    return watchPath(this.config, `/apis/batch/v1/namespaces/${namespace}/jobs`, { fieldSelector: `metadata.name=${name}`, resourceVersion }, onEvent);
  }

  createSecret(namespace: string, body: V1Secret): Promise<V1Secret> {
    return apiCall(`create secret ${namespace}/${body.metadata?.name}`, () => this.core.createNamespacedSecret({ namespace, body }));
  }

  async deleteSecret(namespace: string, name: string): Promise<boolean> {
    const deleted = await apiCallOrMissing(`delete secret ${namespace}/${name}`, () => this.core.deleteNamespacedSecret({ namespace, name }));
    return deleted !== undefined;
  }

  /** GET through the API server's pod proxy: `/api/v1/namespaces/{ns}/pods/{pod}:{port}/proxy/{path}`. */
  podProxyGet(namespace: string, pod: string, port: number, path: string): Promise<string> {
    return apiCall(`GET ${path} of pod ${namespace}/${pod}:${port}`, () =>
      this.core.connectGetNamespacedPodProxyWithPath({ namespace, name: `${pod}:${port}`, path }),
    );
  }

  /** The last `lines` lines of a pod's log; "" when it cannot be read (e.g. the pod is gone). */
  async podLogTail(namespace: string, pod: string, lines: number): Promise<string> {
    try {
      return await this.core.readNamespacedPodLog({ namespace, name: pod, tailLines: lines });
    } catch {
      return "";
    }
  }
}
