import {
  type AttachedSystem,
  type PipelineExit,
  type PipelineLaunchRequest,
  type PipelineProcess,
  type PipelineProgress,
  type PipelineShard,
  createFaultHandle,
  effectSeen,
  type FaultHandle,
} from "../core/index.ts";
import { describeShard, isShard, SINGLE_PROCESS, type PipelineLayout, type ShardTarget } from "./pipeline-layout.ts";
import type { ProgressTracker } from "./progress-tracker.ts";

/** One process the supervisor started, and the last counters read from it. */
interface Launched {
  readonly process: PipelineProcess;
  readonly shard: PipelineShard | undefined;
  progress: PipelineProgress;
  /** "ended": exited on its own; "taken": killed or stopped by the experiment, so its exit ends nothing. */
  state: "running" | "ended" | "taken";
}

const NO_PROGRESS: PipelineProgress = { objectsDone: 0, pairsWritten: 0, retries: 0, quarantined: 0 };

/**
 * The experiment's pipeline, run as a Job controller would: one process, or
 * each stage of a sharded layout as all its shards at once, the next stage
 * once every shard of this one exited 0. A process the experiment killed is
 * started again (same shard) when the fault is removed; a process that exits
 * non-zero on its own ends the run, and so does the last shard of the last
 * stage. Scraped for progress: the tracker gets the counters summed over
 * every process started so far (a killed one keeps what it committed).
 */
export class PipelineSupervisor implements AsyncDisposable {
  private readonly launched: Launched[] = [];
  private stage = 0;
  private stopping = false;
  private ended: Promise<PipelineExit>;
  private resolveEnded!: (exit: PipelineExit) => void;
  private endedWith: PipelineExit | undefined;

  constructor(
    private readonly system: AttachedSystem,
    private readonly request: PipelineLaunchRequest,
    private readonly progress: ProgressTracker,
    private readonly layout: PipelineLayout = SINGLE_PROCESS,
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  /** Pipeline processes started so far. */
  get processes(): number {
    return this.launched.length;
  }

  /** Whether a process is running or about to be restarted. */
  get running(): boolean {
    return this.endedWith === undefined;
  }

  /** The process started last ("pid 1234", a Job's pod, …), e.g. to look its metrics up elsewhere; undefined before start. */
  get currentProcess(): PipelineProcess | undefined {
    return this.launched.at(-1)?.process;
  }

  /** Settles with the exit of the process that ended the run. */
  get finished(): Promise<PipelineExit> {
    return this.ended;
  }

  /** Starts the first stage: one process, or all its shards at once. */
  async start(): Promise<void> {
    await Promise.all(this.layout.stages[this.stage]!.map((shard) => this.launch(shard)));
  }

  /** Starts the pipeline again once its run has ended, as an operator would (every stage again); {@link finished} then settles with the new run's exit. */
  async rerun(): Promise<void> {
    if (this.running) throw new Error("the pipeline is still running: a rerun starts only after the run ended");
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.endedWith = undefined;
    this.stage = 0;
    await this.start();
  }

  /** Scrapes every running process into the tracker (an unreachable one counts as no progress). */
  async sample(at: number): Promise<void> {
    const running = this.launched.filter((each) => each.state === "running");
    if (this.launched.length === 0) return;
    const reached = await Promise.all(
      running.map(async (each) => {
        try {
          each.progress = await each.process.progress();
          return true;
        } catch {
          return false;
        }
      }),
    );
    if (running.length > 0 && !reached.includes(true)) return this.progress.recordUnreachable(at);
    this.progress.record(at, sum(this.launched.map((each) => each.progress)));
  }

  /** The counters of `target`'s running process, read now; undefined while none runs (its stage has not begun, it ended or was killed). */
  async progressOf(target: ShardTarget): Promise<PipelineProgress | undefined> {
    const shard = this.launched.find((each) => each.state === "running" && isShard(each.shard, target));
    return shard?.process.progress().catch(() => undefined);
  }

  /**
   * Fault: kill -9 of a pipeline process mid-run (of a sharded layout: the
   * running process of `target`). Removal starts a new process for the same
   * shard, which must resume where the killed one stopped.
   */
  async kill(target?: ShardTarget): Promise<FaultHandle> {
    const victim = this.victim(target);
    victim.state = "taken";
    const objectsDoneAtKill = this.progress.latest.objectsDone;
    const killed = await victim.process.kill();
    const at = performance.now();
    const { shard } = victim;
    return createFaultHandle(
      { kind: "process/kill", cause: "equipment-failure", target: describeShard(shard), parameters: { signal: killed.signal, ...(shard ? { shard } : {}) } },
      { killed: killed.id, signal: killed.signal, objectsDoneAtKill, exit: await victim.process.exited.then((exit) => exit.signal ?? exit.code) },
      async () => {
        if (!this.running) return {};
        return { restartedAs: (await this.launch(shard)).process.id };
      },
      effectSeen("the killed pipeline process exited", at),
    );
  }

  /** Stops whatever runs (rollback): SIGTERM, then SIGKILL. */
  async stop(): Promise<void> {
    this.stopping = true;
    const running = this.launched.filter((each) => each.state === "running");
    for (const each of running) each.state = "taken";
    await Promise.all(running.map((each) => each.process.stop()));
    this.end({ code: null, signal: "SIGTERM", outputTail: "stopped by the experiment's rollback" });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async launch(shard: PipelineShard | undefined): Promise<Launched> {
    const process = await this.system.start(shard ? { ...this.request, shard } : this.request);
    const launched: Launched = { process, shard, progress: NO_PROGRESS, state: "running" };
    this.launched.push(launched);
    // Started while the rollback stopped the others: it must not outlive the experiment.
    if (this.stopping) {
      launched.state = "taken";
      await process.stop();
    }
    void process.exited.then((exit) => this.exited(launched, exit));
    return launched;
  }

  private exited(launched: Launched, exit: PipelineExit): void {
    if (launched.state === "taken") return;
    launched.state = "ended";
    if (exit.code !== 0) return this.end(exit);
    const stage = this.layout.stages[this.stage]!;
    const done = stage.every((shard) => this.launched.findLast((each) => each.shard === shard)?.state === "ended");
    if (!done) return;
    // The first stage commits the work units (Scale: an outcome per object); its shards' last commits may not have been scraped.
    if (this.stage === this.layout.stages.length - 1) return this.end(exit);
    if (this.stage === 0) this.progress.recordAllDone(performance.now());
    this.stage++;
    this.start().catch((error: unknown) =>
      this.end({ code: null, signal: null, outputTail: `could not start ${describeShard(this.layout.stages[this.stage]![0])}: ${String(error)}` }),
    );
  }

  private victim(target: ShardTarget | undefined): Launched {
    const running = this.launched.filter((each) => each.state === "running");
    if (!this.running || running.length === 0) throw new Error("the pipeline is not running");
    if (target === undefined) {
      if (this.layout.shards > 1) throw new Error("the pipeline runs sharded: name the shard to kill, e.g. kill({ stage: 'similarity', shard: 1 })");
      return running[0]!;
    }
    const victim = running.find((each) => isShard(each.shard, target));
    if (!victim) {
      throw new Error(`${target.stage} shard ${target.shard} is not running (running: ${running.map((each) => describeShard(each.shard)).join(", ")})`);
    }
    return victim;
  }

  private end(exit: PipelineExit): void {
    if (this.endedWith) return;
    this.endedWith = exit;
    this.resolveEnded(exit);
  }
}

function sum(all: readonly PipelineProgress[]): PipelineProgress {
  return all.reduce(
    (total, each) => ({
      objectsDone: total.objectsDone + each.objectsDone,
      pairsWritten: total.pairsWritten + each.pairsWritten,
      retries: total.retries + each.retries,
      quarantined: total.quarantined + each.quarantined,
    }),
    NO_PROGRESS,
  );
}
