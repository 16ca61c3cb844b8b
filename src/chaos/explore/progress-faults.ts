/**
 * A schedule's progress faults during one run: the run's progress is polled
 * from its metrics, each fault is injected through the environment's fault
 * library once the run has committed its share of the objects, and removed
 * `durationMs` after its effect was seen (or when the run ends).
 */
import type { FaultHandle, FaultLibrary, PipelineProcess } from "../core/index.ts";
import { PROGRESS_LATENCY_MS, type ProgressFault } from "./fault-schedule.ts";

/** How often the run's progress is read. */
const PROGRESS_POLL_MS = 10;

/** One progress fault's course in the run. */
export interface ProgressFaultState {
  readonly fault: ProgressFault;
  handle?: FaultHandle;
  /** Progress (%) at which it was injected. */
  firedAtPercent?: number;
  /** Why it could not be injected. */
  error?: string;
  /** Why it could not be removed (the rerun then meets it still in effect). */
  removalError?: string;
}

export class ProgressFaults {
  readonly states: ProgressFaultState[];
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly removals: Promise<void>[] = [];
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly library: FaultLibrary,
    faults: readonly ProgressFault[],
    /** Objects of the corpus: 100 % progress. */
    private readonly objects: number,
  ) {
    this.states = faults.map((fault) => ({ fault }));
  }

  /** Watches `pipeline`'s progress and injects each fault at its share. */
  watch(pipeline: PipelineProcess): void {
    if (this.states.length === 0) return;
    this.loop = (async () => {
      while (!this.stopped && this.states.some((state) => state.handle === undefined && state.error === undefined)) {
        const percent = await pipeline.progress().then(
          (progress) => (100 * progress.objectsDone) / this.objects,
          () => undefined,
        );
        if (percent !== undefined) {
          for (const state of this.states)
            if (!this.stopped && !state.handle && !state.error && percent >= state.fault.atPercent) await this.inject(state, percent);
        }
        await new Promise((resolve) => setTimeout(resolve, PROGRESS_POLL_MS));
      }
    })();
  }

  /** Stops watching and removes every fault still in effect (a killed service is started again). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all([...this.states.map((state) => this.remove(state)), ...this.removals]);
  }

  /** The fault's course in plain words. */
  observed(state: ProgressFaultState): string {
    if (state.error) return `not injected: ${state.error}`;
    if (!state.handle) return "never injected";
    const lasted = state.handle.removedAt === undefined ? "" : `, removed after ${Math.round(state.handle.removedAt - state.handle.injectedAt)} ms`;
    const stuck = state.removalError ? `; removal failed: ${state.removalError}` : "";
    return `${state.handle.description.kind} on ${state.handle.description.target} at ${Math.round(state.firedAtPercent ?? 0)} %${lasted}${stuck}`;
  }

  private async remove(state: ProgressFaultState): Promise<void> {
    await state.handle?.remove().catch((error: unknown) => (state.removalError ??= (error as Error).message));
  }

  private async inject(state: ProgressFaultState, percent: number): Promise<void> {
    const { fault } = state;
    try {
      state.handle = await (fault.fault === "partition"
        ? this.library.partition(fault.service)
        : fault.fault === "latency"
          ? this.library.toxic(fault.service, { type: "latency", stream: "downstream", attributes: { latency: PROGRESS_LATENCY_MS, jitter: 0 } })
          : this.library.kill(fault.service, { restartOnRemove: true }));
      state.firedAtPercent = percent;
      this.timers.push(setTimeout(() => this.removals.push(this.remove(state)), fault.durationMs));
    } catch (error) {
      state.error = (error as Error).message;
    }
  }
}
