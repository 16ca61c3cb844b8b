import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeChaosController, type FakeChaosTiming } from "./fake-chaos-controller.ts";
import { FakeJobController, JOBS } from "./fake-job-controller.ts";
import { FakeKubeStore, matchesLabelSelector, type StoredObject } from "./fake-kube-store.ts";
import { PODS, podObject, recreateLater, type FakePodInput } from "./fake-pods.ts";
import { kubeconfig, list, mergePatch, notFound, readBody, send, sendText, status } from "./fake-http.ts";

/** A request the fake received, for assertions ("no POST in dry-run", "the DELETE came"). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface FakeKubeApiOptions extends Partial<FakeChaosTiming> {
  /** Namespaces that exist, with their labels and annotations. */
  namespaces?: Record<string, { labels?: Record<string, string>; annotations?: Record<string, string> }>;
  nodes?: Record<string, { labels?: Record<string, string> }>;
  pods?: FakePodInput[];
  /** Evictions of these pods (`namespace/name`) answer 429 this many times first, as a PodDisruptionBudget would. */
  evictionRefusals?: Record<string, number>;
}

const TOKEN = "fake-token";
const CONTEXT = "fake-cluster";
const CHAOS_PREFIX = "/apis/chaos-mesh.org/v1alpha1/namespaces/";

/**
 * A local stand-in for a Kubernetes API server with Chaos Mesh installed,
 * serving exactly what this project uses, on a random 127.0.0.1 port, plus a
 * kubeconfig that points at it (context "fake-cluster", bearer token auth).
 */
export class FakeKubeApi implements AsyncDisposable {
  readonly store = new FakeKubeStore();
  readonly requests: RecordedRequest[] = [];
  readonly jobs: FakeJobController;
  readonly context = CONTEXT;
  private readonly chaos: FakeChaosController;
  private readonly namespaces: NonNullable<FakeKubeApiOptions["namespaces"]>;
  private readonly nodes = new Map<string, StoredObject>();
  private readonly evictionRefusals: Record<string, number>;
  private readonly openWatches = new Set<ServerResponse>();
  private readonly timing: FakeChaosTiming;
  /** Whether new pods may land on `node` (not cordoned). */
  private readonly schedulable = (node: string) => (this.nodes.get(node)?.spec as { unschedulable?: boolean } | undefined)?.unschedulable !== true;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly kubeconfigPath: string,
    private readonly dir: string,
    options: FakeKubeApiOptions,
  ) {
    this.namespaces = { ...options.namespaces };
    this.evictionRefusals = { ...options.evictionRefusals };
    for (const [name, node] of Object.entries(options.nodes ?? {}))
      this.nodes.set(name, { apiVersion: "v1", kind: "Node", metadata: { name, labels: { ...node.labels } }, spec: {} });
    for (const pod of options.pods ?? []) this.store.create(PODS, podObject(pod));
    this.timing = { injectDelayMs: 50, finalizerDelayMs: 100, recreateDelayMs: 50, neverInject: false, ...definedTiming(options) };
    this.chaos = new FakeChaosController(this.store, this.timing, this.schedulable);
    this.jobs = new FakeJobController(this.store);
  }

  static async start(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
    let fake: FakeKubeApi | undefined;
    const server = createServer((request, response) => void fake!.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = await mkdtemp(join(tmpdir(), "fake-kube-"));
    const kubeconfigPath = join(dir, "kubeconfig");
    await writeFile(kubeconfigPath, kubeconfig(url, CONTEXT, TOKEN));
    fake = new FakeKubeApi(server, url, kubeconfigPath, dir, options);
    return fake;
  }

  /** Requests with this method whose path contains `fragment`. */
  requestsMatching(method: string, fragment = ""): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path.includes(fragment));
  }

  /** Pods currently stored, optionally in one namespace. */
  pods(namespace?: string): StoredObject[] {
    return this.store.list(PODS, namespace);
  }

  node(name: string): StoredObject | undefined {
    return this.nodes.get(name);
  }

  addPod(pod: FakePodInput): void {
    this.store.create(PODS, podObject(pod));
  }

  async stop(): Promise<void> {
    for (const response of this.openWatches) response.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    const body = await readBody(request);
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: request.method ?? "GET", path: decodeURIComponent(url.pathname), query, body });
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return send(response, 401, status(401, "Unauthorized", "Unauthorized"));
    try {
      this.route(
        request.method ?? "GET",
        url.pathname.split("/").filter(Boolean).map(decodeURIComponent),
        query,
        body,
        response,
        request.headers["content-type"],
      );
    } catch (error) {
      send(response, 500, status(500, "InternalError", String(error)));
    }
  }

  private route(
    method: string,
    parts: string[],
    query: Record<string, string>,
    body: unknown,
    response: ServerResponse,
    contentType: string | undefined,
  ): void {
    const path = `/${parts.join("/")}`;
    let match: RegExpMatchArray | null;
    if ((match = path.match(/^\/api\/v1\/namespaces\/([^/]+)$/)) && method === "GET") {
      const found = this.namespaces[match[1]!];
      return found
        ? send(response, 200, { apiVersion: "v1", kind: "Namespace", metadata: { name: match[1], ...found }, status: { phase: "Active" } })
        : notFound(response, "namespaces", match[1]!);
    }
    if ((match = path.match(/^\/api\/v1\/nodes\/([^/]+)$/))) return this.nodeRoute(method, match[1]!, body, contentType, response);
    if (path === "/api/v1/pods" && method === "GET") {
      const node = /spec\.nodeName=([^,]+)/.exec(query.fieldSelector ?? "")?.[1];
      return send(
        response,
        200,
        list(
          "PodList",
          this.store.list(PODS).filter((pod) => node === undefined || (pod.spec as { nodeName?: string }).nodeName === node),
        ),
      );
    }
    if ((match = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(eviction|log|proxy)(?:\/(.*))?$/)))
      return this.podSubresource(method, match[1]!, match[2]!, match[3]!, match[4], response);
    if ((match = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/(pods|secrets)(?:\/([^/]+))?$/)))
      return this.collection(`v1/${match[2]}`, method, match[1]!, match[3], query, body, response);
    if ((match = path.match(/^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/)))
      return this.collection(JOBS, method, match[1]!, match[2], query, body, response);
    if (path.startsWith(CHAOS_PREFIX) && (match = path.slice(CHAOS_PREFIX.length).match(/^([^/]+)\/([a-z]+chaos)(?:\/([^/]+))?$/))) {
      return this.collection(`chaos-mesh.org/v1alpha1/${match[2]}`, method, match[1]!, match[3], query, body, response);
    }
    send(response, 404, status(404, "NotFound", `the fake serves no ${method} ${path}`));
  }

  /** Create, get, list, watch and delete on a namespaced collection, with the controllers' hooks. */
  private collection(
    collection: string,
    method: string,
    namespace: string,
    name: string | undefined,
    query: Record<string, string>,
    body: unknown,
    response: ServerResponse,
  ): void {
    const plural = collection.split("/").pop()!;
    if (name === undefined && method === "POST") {
      const object = structuredClone(body) as StoredObject;
      object.metadata = { ...object.metadata, namespace };
      if (collection.startsWith("chaos-mesh.org/")) this.chaos.admit(object);
      if (collection === "v1/secrets") delete object.stringData;
      const created = this.store.create(collection, object);
      if (!created) return send(response, 409, status(409, "AlreadyExists", `${plural} "${object.metadata.name}" already exists`));
      send(response, 201, created);
      if (collection.startsWith("chaos-mesh.org/")) this.chaos.created(collection, created);
      if (collection === JOBS) this.jobs.created(created);
      return;
    }
    if (name === undefined && method === "GET") {
      if (query.watch === "true") return this.watch(collection, namespace, query, response);
      return send(
        response,
        200,
        list(
          `${plural}List`,
          this.store.list(collection, namespace).filter((object) => matchesLabelSelector(object.metadata.labels, query.labelSelector ?? null)),
        ),
      );
    }
    if (name !== undefined && method === "GET") {
      const found = this.store.get(collection, namespace, name);
      return found ? send(response, 200, found) : notFound(response, plural, name);
    }
    if (name !== undefined && method === "DELETE") {
      const gracePeriod = Number(query.gracePeriodSeconds ?? (body as { gracePeriodSeconds?: number } | undefined)?.gracePeriodSeconds ?? 30);
      const found = this.store.get(collection, namespace, name);
      if (!found) return notFound(response, plural, name);
      if (collection === PODS) {
        this.deletePod(found, gracePeriod);
        return send(response, 200, found);
      }
      const deleted = this.store.delete(collection, namespace, name)!;
      if (collection.startsWith("chaos-mesh.org/") && this.store.get(collection, namespace, name)) this.chaos.deleteRequested(collection, deleted);
      if (collection === JOBS) this.jobs.jobDeleted(deleted);
      return send(response, 200, collection.startsWith("chaos-mesh.org/") ? deleted : status(200, "", "deleted"));
    }
    send(response, 405, status(405, "MethodNotAllowed", `${method} not allowed`));
  }

  private deletePod(pod: StoredObject, gracePeriodSeconds: number): void {
    const { namespace, name } = pod.metadata;
    const finish = () => {
      const gone = this.store.finishDeletion(PODS, namespace, name);
      if (!gone) return;
      this.jobs.podDeleted(gone);
      recreateLater(this.store, gone, this.timing.recreateDelayMs, this.schedulable);
    };
    if (gracePeriodSeconds === 0) finish();
    else {
      this.store.update(PODS, namespace, name, (stored) => (stored.metadata.deletionTimestamp = new Date().toISOString()));
      setTimeout(finish, Math.min(gracePeriodSeconds * 1000, 50)).unref();
    }
  }

  private podSubresource(method: string, namespace: string, podRef: string, subresource: string, rest: string | undefined, response: ServerResponse): void {
    const [name, port] = podRef.split(":");
    const pod = this.store.get(PODS, namespace, name!);
    if (!pod) return notFound(response, "pods", name!);
    if (subresource === "eviction" && method === "POST") {
      const key = `${namespace}/${name}`;
      if ((this.evictionRefusals[key] ?? 0) > 0) {
        this.evictionRefusals[key]!--;
        return send(response, 429, status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget."));
      }
      this.deletePod(pod, 30);
      return send(response, 201, status(201, "", "evicted"));
    }
    if (subresource === "log" && method === "GET") return sendText(response, 200, this.jobs.logs.get(name!) ?? "");
    if (subresource === "proxy" && method === "GET" && rest === "metrics") {
      const metrics = this.jobs.metrics(name!);
      if (metrics === undefined)
        return send(response, 503, status(503, "ServiceUnavailable", `error trying to reach service: dial tcp: connect: connection refused (port ${port})`));
      return sendText(response, 200, metrics, "text/plain; version=0.0.4; charset=utf-8");
    }
    send(response, 404, status(404, "NotFound", `no ${subresource} ${rest ?? ""}`));
  }

  private nodeRoute(method: string, name: string, body: unknown, contentType: string | undefined, response: ServerResponse): void {
    const node = this.nodes.get(name);
    if (!node) return notFound(response, "nodes", name);
    if (method === "GET") return send(response, 200, node);
    if (method === "PATCH") {
      if (!contentType?.startsWith("application/merge-patch+json"))
        return send(response, 415, status(415, "UnsupportedMediaType", `the fake takes merge patches, got ${contentType}`));
      mergePatch(node, body);
      return send(response, 200, node);
    }
    send(response, 405, status(405, "MethodNotAllowed", `${method} not allowed`));
  }

  private watch(collection: string, namespace: string, query: Record<string, string>, response: ServerResponse): void {
    const name = /metadata\.name=([^,]+)/.exec(query.fieldSelector ?? "")?.[1];
    response.writeHead(200, { "content-type": "application/json" });
    this.openWatches.add(response);
    const since = query.resourceVersion ? Number(query.resourceVersion) : undefined;
    const unwatch = this.store.watch({ collection, namespace, name, send: (type, object) => response.write(`${JSON.stringify({ type, object })}\n`) }, since);
    response.on("close", () => {
      unwatch();
      this.openWatches.delete(response);
    });
  }
}

function definedTiming(options: Partial<FakeChaosTiming>): Partial<FakeChaosTiming> {
  const { injectDelayMs, finalizerDelayMs, recreateDelayMs, neverInject } = options;
  return Object.fromEntries(Object.entries({ injectDelayMs, finalizerDelayMs, recreateDelayMs, neverInject }).filter(([, value]) => value !== undefined));
}
