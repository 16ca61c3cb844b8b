import type { AttachedSystem, FaultLibrary, PipelineDatabase, PipelineExit, PipelineRunRecord, RerunRecord } from "../core/index.ts";
import type { PipelineSupervisor } from "./pipeline-supervisor.ts";
import type { ScheduledFault } from "./scheduled-fault.ts";

/**
 * When the operator runs the pipeline again. "after-faults-removed": once the
 * method's run has ended (it may fail), every fault is removed and the
 * pipeline is started again into the same database, as an operator does after
 * an outage or after fixing permissions; integrity is checked after that run.
 */
export type RerunPolicy = "after-faults-removed";

/** Lines of the first run's output kept in the journal: enough for the error it failed with. */
const OUTPUT_TAIL_LINES = 12;

/** What the rerun needs from its experiment run. */
export interface RerunContext {
  faults: readonly ScheduledFault[];
  faultLibrary: FaultLibrary;
  /** The system under test, asked what it quarantined (through its contract: not every system has a quarantine). */
  system: AttachedSystem;
  /** The experiment's database, which the rerun writes again. */
  database: PipelineDatabase;
  /** The experiment's pipeline, whose run has ended; it is started again into the same database. */
  pipeline: PipelineSupervisor;
  /** Rejects once the experiment is stopped (time limit, Ctrl-C). */
  stopped(): Promise<never>;
  /** Milliseconds since the experiment started. */
  relative(monotonic: number): number;
}

/** The operator's second run, and its record for the journal. */
export class OperatorRerun {
  private recorded: RerunRecord | undefined;

  /** The first run and the rerun as recorded so far; undefined until the first run ended. */
  get record(): RerunRecord | undefined {
    return this.recorded;
  }

  /**
   * Records how the first run ended and what the system quarantined (null: it has no quarantine), removes every
   * fault, runs the pipeline again and resolves with the rerun's exit. The
   * first run's failure is recorded, not thrown: it is what a scenario with
   * an outage longer than the retry budget expects.
   */
  async after(context: RerunContext, first: { startedAt: number; endedAt: number; exit: PipelineExit }): Promise<PipelineExit> {
    const firstRun = runRecord(context, first.startedAt, first.endedAt, first.exit);
    await Promise.all(context.faults.map((fault) => fault.removeEarly()));
    await context.faultLibrary.removeAll();
    this.recorded = { firstRun, quarantinedAfterFirstRun: await context.system.quarantined(context.database), rerun: null };
    const startedAt = performance.now();
    await context.pipeline.rerun();
    const exit = await Promise.race([context.pipeline.finished, context.stopped()]);
    this.recorded.rerun = runRecord(context, startedAt, performance.now(), exit);
    return exit;
  }
}

function runRecord(context: Pick<RerunContext, "relative">, startedAt: number, endedAt: number, exit: PipelineExit): PipelineRunRecord {
  return {
    startedAt: context.relative(startedAt),
    endedAt: context.relative(endedAt),
    exitCode: exit.code,
    signal: exit.signal,
    outputTail: exit.outputTail.trimEnd().split("\n").slice(-OUTPUT_TAIL_LINES).join("\n"),
  };
}
