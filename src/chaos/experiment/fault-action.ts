import type { ChaosEnvironment, DependencyFaults, FaultHandle, FaultLibrary, PipelineDatabase } from "../core/index.ts";
import type { PipelineSupervisor } from "./pipeline-supervisor.ts";
import { afterMs, type Trigger } from "./trigger.ts";

/** What a fault action gets to break things with. */
export interface ActionContext {
  faults: FaultLibrary;
  env: ChaosEnvironment;
  /** Network faults on the system under test's own http/tcp dependencies, by name (`dependencies.toxic("items", …)`). */
  dependencies: DependencyFaults;
  /** The experiment's pipeline, for faults of the pipeline process itself (of a sharded run: one shard's process). */
  pipeline: PipelineSupervisor;
  /** The database the experiment's pipeline writes, reached directly past every fault: e.g. to read what a fault left behind. */
  database: PipelineDatabase;
  /** The bucket key of a corpus object (`songs/x.mid` → under the experiment's prefix), e.g. to fault requests for given objects. */
  objectKey(corpusKey: string): string;
}

/** A step of the method: a fault, when it starts, how long it lasts. */
export interface FaultAction {
  readonly name: string;
  readonly trigger: Trigger;
  /** Removed this long after injection; null keeps it until the rollback. */
  readonly durationMs: number | null;
  inject(context: ActionContext): Promise<FaultHandle>;
}

/** Builds a {@link FaultAction}: `fault("kill -9 Postgres", ({ faults }) => faults.kill("postgres")).when(…).for(3_000)`. */
export class FaultActionBuilder implements FaultAction {
  constructor(
    readonly name: string,
    readonly inject: (context: ActionContext) => Promise<FaultHandle>,
    readonly trigger: Trigger = afterMs(0),
    readonly durationMs: number | null = null,
  ) {}

  /** Starts `ms` after the pipeline was launched. */
  after(ms: number): FaultActionBuilder {
    return this.when(afterMs(ms));
  }

  when(trigger: Trigger): FaultActionBuilder {
    return new FaultActionBuilder(this.name, this.inject, trigger, this.durationMs);
  }

  /** Stays in effect for `ms`, then is removed. */
  for(ms: number): FaultActionBuilder {
    return new FaultActionBuilder(this.name, this.inject, this.trigger, ms);
  }

  /**
   * Reads evidence once the fault is in effect, before anything is undone (e.g. the checkpoint a killed process left
   * in the database), and adds it to the fault's observations.
   */
  observing(read: (context: ActionContext) => Promise<Readonly<Record<string, unknown>>>): FaultActionBuilder {
    const inject = async (context: ActionContext) => {
      const handle = await this.inject(context);
      let evidence: Readonly<Record<string, unknown>>;
      try {
        evidence = await read(context);
      } catch (error) {
        await handle.remove();
        throw new Error(`the evidence of "${this.name}" could not be read: ${(error as Error).message}`, { cause: error });
      }
      // Into the handle's own observations, as the trigger's evidence goes: its removal adds to that same object.
      Object.assign(handle.observations, evidence);
      return handle;
    };
    return new FaultActionBuilder(this.name, inject, this.trigger, this.durationMs);
  }
}

export function fault(name: string, inject: (context: ActionContext) => Promise<FaultHandle>): FaultActionBuilder {
  return new FaultActionBuilder(name, inject);
}
