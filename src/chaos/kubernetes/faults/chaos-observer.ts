import { conditionStatus, type ChaosConditionType, type ChaosObjectState } from "../chaos-mesh/chaos-status.ts";
import type { CustomResource, KubeClient } from "../client/kube-client.ts";
import type { WatchSubscription } from "../client/object-watch.ts";

const CONDITION_TYPES: readonly ChaosConditionType[] = ["Selected", "AllInjected", "AllRecovered", "Paused"];
/** Pause before watching again after the stream ended or failed. */
const REWATCH_DELAY_MS = 200;

/** A condition change as this process saw it; Chaos Mesh records no transition times of its own. */
export interface ConditionChange {
  type: ChaosConditionType;
  status: boolean;
  /** Monotonic time (performance.now()) it was seen. */
  seenAt: number;
}

/**
 * Follows one chaos object through a watch (re-reading and watching again
 * whenever the stream ends) and notes when each condition changed, so
 * injection and recovery times come from the controller's own report.
 */
export class ChaosObserver {
  /** Every condition change seen, in order; shared with the fault's observations. */
  readonly changes: ConditionChange[] = [];
  latest: ChaosObjectState;
  gone = false;
  private readonly listeners = new Set<() => void>();
  private subscription: WatchSubscription | undefined;
  private stopped = false;

  constructor(
    private readonly client: KubeClient,
    private readonly resource: CustomResource,
    private readonly namespace: string,
    private readonly name: string,
    created: ChaosObjectState,
  ) {
    this.latest = created;
    this.note(created);
    void this.follow(created.metadata?.resourceVersion);
  }

  /** Monotonic time `type` was first seen with `status`, if it was. */
  seen(type: ChaosConditionType, status = true): number | undefined {
    return this.changes.find((change) => change.type === type && change.status === status)?.seenAt;
  }

  /** Resolves with the time `type` is seen True, or rejects after `timeoutMs` with `describe(elapsed)`. */
  until(type: ChaosConditionType, timeoutMs: number, describe: (elapsedMs: number) => Error): Promise<number> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const check = () => {
        const at = this.seen(type);
        if (at === undefined && !this.gone) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        if (at !== undefined) resolve(at);
        else reject(new Error(`${this.namespace}/${this.name} disappeared before ${type}`));
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(describe(performance.now() - started));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Calls `listener` on every change seen from now on; returns its unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.stop();
    this.listeners.clear();
  }

  private async follow(resourceVersion: string | undefined): Promise<void> {
    let version = resourceVersion;
    while (!this.stopped && !this.gone) {
      try {
        this.subscription = await this.client.watchCustomObject<ChaosObjectState>(this.resource, this.namespace, this.name, version, (event) => {
          if (event.type === "DELETED") this.markGone();
          else if (event.type === "ADDED" || event.type === "MODIFIED") this.note(event.object);
        });
        if (this.stopped) this.subscription.stop();
        await this.subscription.ended;
      } catch {
        // a failed watch is retried below, after re-reading the object
      }
      if (this.stopped || this.gone) return;
      await new Promise((resolve) => setTimeout(resolve, REWATCH_DELAY_MS));
      const current = await this.client.getCustomObject<ChaosObjectState>(this.resource, this.namespace, this.name).catch(() => this.latest);
      if (current === undefined) this.markGone();
      else {
        this.note(current);
        version = current.metadata?.resourceVersion;
      }
    }
  }

  private note(state: ChaosObjectState): void {
    const previous = this.latest;
    this.latest = state;
    const seenAt = performance.now();
    for (const type of CONDITION_TYPES) {
      const now = conditionStatus(state, type);
      if (now === undefined) continue;
      const last = [...this.changes].reverse().find((change) => change.type === type);
      if (last?.status !== now) this.changes.push({ type, status: now, seenAt });
    }
    if (previous !== state) this.notify();
  }

  private markGone(): void {
    this.gone = true;
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
