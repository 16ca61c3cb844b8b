import {
  type AttachedSystem,
  type PipelineExit,
  type PipelineLaunchRequest,
  type PipelineProcess,
  createFaultHandle,
  effectSeen,
  type FaultHandle,
} from "../core/index.ts";
import type { ProgressTracker } from "./progress-tracker.ts";

/**
 * The experiment's pipeline: one process at a time, started again after the
 * experiment itself killed it (as a Job controller would), scraped for
 * progress. A process that exits on its own ends the run, successfully or not.
 */
export class PipelineSupervisor implements AsyncDisposable {
  private current: PipelineProcess | undefined;
  private launches = 0;
  private killedByExperiment = new WeakSet<PipelineProcess>();
  private ended: Promise<PipelineExit>;
  private resolveEnded!: (exit: PipelineExit) => void;
  private endedWith: PipelineExit | undefined;

  constructor(
    private readonly system: AttachedSystem,
    private readonly request: PipelineLaunchRequest,
    private readonly progress: ProgressTracker,
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  /** Pipeline processes started so far. */
  get processes(): number {
    return this.launches;
  }

  /** Whether a process is running or about to be restarted. */
  get running(): boolean {
    return this.endedWith === undefined;
  }

  /** The process running now ("pid 1234", a Job's pod, …), e.g. to look its metrics up elsewhere; undefined before start. */
  get currentProcess(): PipelineProcess | undefined {
    return this.current;
  }

  /** Settles with the exit of the process that ended the run. */
  get finished(): Promise<PipelineExit> {
    return this.ended;
  }

  async start(): Promise<void> {
    const process = await this.system.start(this.request);
    this.launches++;
    this.progress.newProcess();
    this.current = process;
    void process.exited.then((exit) => {
      if (this.killedByExperiment.has(process)) return;
      this.endedWith = exit;
      this.resolveEnded(exit);
    });
  }

  /** Starts the pipeline again once its run has ended, as an operator would; {@link finished} then settles with the new run's exit. */
  async rerun(): Promise<void> {
    if (this.running) throw new Error("the pipeline is still running: a rerun starts only after the run ended");
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.endedWith = undefined;
    await this.start();
  }

  /** Scrapes the current process into the tracker (an unreachable process counts as no progress). */
  async sample(at: number): Promise<void> {
    const process = this.current;
    if (!process) return;
    try {
      this.progress.record(at, await process.progress());
    } catch {
      this.progress.recordUnreachable(at);
    }
  }

  /**
   * Fault: kill -9 of the pipeline process mid-run. Removal starts a new
   * process, which must resume where the killed one stopped.
   */
  async kill(): Promise<FaultHandle> {
    const victim = this.current;
    if (!victim || !this.running) throw new Error("the pipeline is not running");
    this.killedByExperiment.add(victim);
    const objectsDoneAtKill = this.progress.latest.objectsDone;
    const killed = await victim.kill();
    const at = performance.now();
    return createFaultHandle(
      { kind: "process/kill", cause: "equipment-failure", target: "pipeline", parameters: { signal: killed.signal } },
      { killed: killed.id, signal: killed.signal, objectsDoneAtKill, exit: await victim.exited.then((exit) => exit.signal ?? exit.code) },
      async () => {
        if (!this.running) return {};
        await this.start();
        return { restartedAs: this.current?.id };
      },
      effectSeen("the killed pipeline process exited", at),
    );
  }

  /** Stops whatever runs (rollback): SIGTERM, then SIGKILL. */
  async stop(): Promise<void> {
    const process = this.current;
    if (process) {
      this.killedByExperiment.add(process);
      await process.stop();
    }
    if (!this.endedWith) {
      this.endedWith = { code: null, signal: "SIGTERM", outputTail: "stopped by the experiment's rollback" };
      this.resolveEnded(this.endedWith);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
