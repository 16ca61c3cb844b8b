import { onInterrupt } from "../../core/index.ts";

/** Something this process wrote to the cluster and must take back. */
export interface TrackedObject {
  /** e.g. "PodChaos chaos/kill-postgres-1a2b". */
  readonly id: string;
  /** Deletes it (and waits until it is gone). Idempotent; a failed removal may be retried. */
  remove(): Promise<void>;
}

/**
 * Every object written to the cluster, until removed: removal also runs on
 * Ctrl-C/SIGTERM, and {@link removeAll} takes back whatever is left (after a
 * failure, or at the end of an environment).
 */
export class ObjectTracker {
  private readonly live = new Map<string, TrackedObject>();

  track(id: string, undo: () => Promise<void>): TrackedObject {
    let removal: Promise<void> | undefined;
    const remove = (): Promise<void> => {
      removal ??= undo().then(
        () => {
          this.live.delete(id);
          unregister();
        },
        (error: unknown) => {
          removal = undefined;
          throw error;
        },
      );
      return removal;
    };
    const unregister = onInterrupt(remove);
    const tracked = { id, remove };
    this.live.set(id, tracked);
    return tracked;
  }

  /** Objects not removed yet. */
  get ids(): string[] {
    return [...this.live.keys()];
  }

  /** Removes everything still tracked; all are attempted, failures are thrown together. */
  async removeAll(): Promise<void> {
    const results = await Promise.allSettled([...this.live.values()].map((tracked) => tracked.remove()));
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === "rejected").map((result) => result.reason);
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} Kubernetes object(s) could not be deleted`);
  }
}
