import type { FaultHandle } from "../../core/index.ts";

/** How a fault ended: removed through its handle, its `durationMs` ran out, or what it ran died by itself. */
export type EndedBy = "removed" | "duration" | "exited";

/**
 * Bounds a fault in time by removing its handle after `durationMs`. The undo
 * must call {@link disarm}, so no timer outlives a fault removed early.
 */
export class FaultDuration {
  /** Reported in the handle's observations once removed. */
  endedBy: EndedBy = "removed";
  private timer: NodeJS.Timeout | undefined;
  private disarmed = false;

  /** Starts the clock; without `durationMs` the fault lasts until removed. */
  arm(handle: FaultHandle, durationMs: number | undefined): void {
    if (durationMs === undefined) return;
    this.timer = setTimeout(() => this.end(handle, "duration"), durationMs);
    // What the fault holds (sessions, children) keeps the process alive, not this timer.
    this.timer.unref();
  }

  /** Removes the handle on the fault's own initiative; a failed removal stays retryable through the handle. */
  end(handle: FaultHandle, reason: Exclude<EndedBy, "removed">): void {
    if (this.disarmed) return;
    this.endedBy = reason;
    void handle.remove().catch(() => undefined);
  }

  /** Called first by the undo: from then on the fault is ending, and how it ended is settled. */
  disarm(): void {
    this.disarmed = true;
    clearTimeout(this.timer);
  }
}
