import { setTimeout as sleep } from "node:timers/promises";
import type { AttachedSystem, ChaosEnvironment, DowntimeCause, FaultHandle, FaultLibrary, FaultRecord, PipelineDatabase } from "../core/index.ts";
import type { FaultAction } from "./fault-action.ts";
import { markFaultActive } from "./fault-activity.ts";
import type { PipelineSupervisor } from "./pipeline-supervisor.ts";
import type { ProgressTracker } from "./progress-tracker.ts";

/** What a fault action of the method needs from its experiment run. */
export interface FaultRunContext {
  experimentId: string;
  cause: DowntimeCause;
  env: ChaosEnvironment;
  /** The system under test, attached to `env`. */
  system: AttachedSystem;
  faults: FaultLibrary;
  pipeline: PipelineSupervisor;
  /** The bucket prefix the experiment's corpus is seeded under. */
  prefix: string;
  /** Monotonic time the experiment's pipeline was launched. */
  launchedAt: number;
  /** Aborted when the method stops (rollback, safety, Ctrl-C). */
  signal: AbortSignal;
  /** Milliseconds since the experiment started. */
  relative(monotonic: number): number;
  /** Sees every error of the fault, also one not thrown because the method was stopped (an environment failure must reach the journal either way). */
  noteError(error: unknown): void;
}

/** One fault action of the method: waits for its trigger, injects, removes it after its duration, and keeps its journal record. */
export class ScheduledFault {
  readonly record: FaultRecord;
  handle: FaultHandle | undefined;
  /** Aborted when the fault is removed before its duration ran out (the operator's rerun). */
  private readonly removedEarly = new AbortController();

  constructor(
    readonly action: FaultAction,
    private readonly run: FaultRunContext,
  ) {
    this.record = {
      name: action.name,
      kind: "unknown",
      cause: run.cause,
      target: "",
      parameters: {},
      trigger: action.trigger.description,
      plannedDurationMs: action.durationMs,
      injectedAt: null,
      removedAt: null,
      recoveredAt: null,
      observations: {},
    };
  }

  /** Waits for the trigger, injects the fault, and removes it after its duration. Failures are recorded and thrown, unless the method was stopped. */
  async perform(progress: ProgressTracker, database: PipelineDatabase): Promise<void> {
    const { action, record, run } = this;
    try {
      const evidence = await Promise.race([
        action.trigger.wait({ launchedAt: run.launchedAt, progress, pipeline: run.pipeline, databaseUrl: database.url, signal: run.signal }),
        run.pipeline.finished.then(() => {
          throw new Error(`the pipeline finished before the trigger (${action.trigger.description}) fired`);
        }),
      ]);
      const handle = await action.inject({
        faults: run.faults,
        env: run.env,
        dependencies: run.system.dependencies,
        pipeline: run.pipeline,
        database,
        objectKey: (key) => run.prefix + key,
      });
      this.handle = handle;
      Object.assign(record, {
        kind: handle.description.kind,
        cause: handle.description.cause,
        target: handle.description.target,
        parameters: handle.description.parameters,
      });
      record.observations = Object.assign(handle.observations, evidence);
      record.injectedAt = run.relative(handle.injectedAt);
      // Injected while the experiment was being stopped, or its faults removed for a rerun: that removal may already have run.
      if (run.signal.aborted || this.removedEarly.signal.aborted) return await this.remove();
      await markFaultActive(run.experimentId, action.name, handle.description.kind, true);
      if (action.durationMs !== null) {
        await sleep(Math.max(0, handle.injectedAt + action.durationMs - performance.now()), undefined, {
          signal: AbortSignal.any([run.signal, this.removedEarly.signal]),
        });
        await this.remove();
      }
    } catch (error) {
      run.noteError(error);
      if (run.signal.aborted) return;
      if (this.removedEarly.signal.aborted && this.handle) return;
      record.error = (error as Error).message;
      throw error;
    }
  }

  /** Removes the fault now, before its planned duration ran out; one still being injected is removed as soon as it is in effect. */
  async removeEarly(): Promise<void> {
    this.removedEarly.abort();
    if (this.handle && this.record.removedAt === null) await this.remove();
  }

  /** Removes the fault if it was injected, recording when and what removal observed. */
  async remove(): Promise<void> {
    if (!this.handle) return;
    try {
      await this.handle.remove();
    } catch (error) {
      this.record.error = `could not be removed: ${(error as Error).message}`;
      throw error;
    }
    this.record.removedAt = this.run.relative(this.handle.removedAt!);
    this.record.observations = this.handle.observations;
    await markFaultActive(this.run.experimentId, this.action.name, this.handle.description.kind, false);
  }
}
