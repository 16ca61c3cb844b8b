import { randomUUID } from "node:crypto";

/** An object as the fake stores it (plain JSON, as the API server would). */
export interface StoredObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A watch on one collection: receives ADDED/MODIFIED/DELETED for matching objects. */
export interface StoreWatcher {
  collection: string;
  namespace: string | undefined;
  name: string | undefined;
  send(type: "ADDED" | "MODIFIED" | "DELETED", object: StoredObject): void;
}

/**
 * The fake API server's objects by collection (`v1/pods`, `batch/v1/jobs`,
 * `chaos-mesh.org/v1alpha1/podchaos`), with resource versions and watches.
 * Deletion honours finalizers: the object stays, with a deletionTimestamp,
 * until whoever owns the finalizer calls {@link finishDeletion}.
 */
export class FakeKubeStore {
  private readonly collections = new Map<string, Map<string, StoredObject>>();
  private readonly watchers = new Set<StoreWatcher>();
  /** Every event, so a watch from a resourceVersion gets what happened since, as from the API server's cache. */
  private readonly history: { collection: string; type: "ADDED" | "MODIFIED" | "DELETED"; object: StoredObject }[] = [];
  private version = 1;

  list(collection: string, namespace?: string): StoredObject[] {
    return [...this.bucket(collection).values()].filter((object) => namespace === undefined || object.metadata.namespace === namespace);
  }

  get(collection: string, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.bucket(collection).get(key(namespace, name));
  }

  /** Stores a new object; undefined when the name is taken. */
  create(collection: string, object: StoredObject): StoredObject | undefined {
    const id = key(object.metadata.namespace, object.metadata.name);
    if (this.bucket(collection).has(id)) return undefined;
    object.metadata.uid ??= randomUUID();
    object.metadata.creationTimestamp ??= new Date().toISOString();
    object.metadata.resourceVersion = String(++this.version);
    this.bucket(collection).set(id, object);
    this.emit(collection, "ADDED", object);
    return object;
  }

  /** Applies `change` to a stored object and tells the watchers; undefined when it is gone. */
  update(collection: string, namespace: string | undefined, name: string, change: (object: StoredObject) => void): StoredObject | undefined {
    const object = this.get(collection, namespace, name);
    if (!object) return undefined;
    change(object);
    object.metadata.resourceVersion = String(++this.version);
    this.emit(collection, "MODIFIED", object);
    return object;
  }

  /** Starts deletion: gone at once without finalizers, otherwise marked and kept. Undefined when not found. */
  delete(collection: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const object = this.get(collection, namespace, name);
    if (!object) return undefined;
    if ((object.metadata.finalizers ?? []).length === 0) return this.finishDeletion(collection, namespace, name);
    if (!object.metadata.deletionTimestamp)
      this.update(collection, namespace, name, (stored) => (stored.metadata.deletionTimestamp = new Date().toISOString()));
    return object;
  }

  /** Drops the finalizers and the object. */
  finishDeletion(collection: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const object = this.get(collection, namespace, name);
    if (!object) return undefined;
    this.bucket(collection).delete(key(namespace, name));
    object.metadata.finalizers = [];
    object.metadata.resourceVersion = String(++this.version);
    this.emit(collection, "DELETED", object);
    return object;
  }

  /** Sends `watcher` the events after resourceVersion `since` (or ADDED for every current object without one), then every new one. */
  watch(watcher: StoreWatcher, since: number | undefined): () => void {
    if (since === undefined) for (const object of this.list(watcher.collection, watcher.namespace)) this.deliver(watcher, "ADDED", object);
    else
      for (const event of this.history)
        if (event.collection === watcher.collection && Number(event.object.metadata.resourceVersion) > since) this.deliver(watcher, event.type, event.object);
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private emit(collection: string, type: "ADDED" | "MODIFIED" | "DELETED", object: StoredObject): void {
    this.history.push({ collection, type, object: structuredClone(object) });
    for (const watcher of this.watchers) if (watcher.collection === collection) this.deliver(watcher, type, object);
  }

  private deliver(watcher: StoreWatcher, type: "ADDED" | "MODIFIED" | "DELETED", object: StoredObject): void {
    if (watcher.namespace !== undefined && watcher.namespace !== object.metadata.namespace) return;
    if (watcher.name !== undefined && watcher.name !== object.metadata.name) return;
    watcher.send(type, structuredClone(object));
  }

  private bucket(collection: string): Map<string, StoredObject> {
    let found = this.collections.get(collection);
    if (!found) this.collections.set(collection, (found = new Map()));
    return found;
  }
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ""}/${name}`;
}

/** Whether `labels` has every `key=value` of an equality-based selector string. */
export function matchesLabelSelector(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [name, value] = term.split("=");
    return labels?.[name!.trim()] === value?.trim();
  });
}

/** Whether `labels` has every entry of `wanted`. */
export function matchesLabels(labels: Record<string, string> | undefined, wanted: Record<string, string> | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([name, value]) => labels?.[name] === value);
}
