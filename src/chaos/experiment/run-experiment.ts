import { setTimeout as sleep } from "node:timers/promises";
import {
  type AttachedSystem,
  type ChaosEnvironment,
  type PipelineDatabase,
  environmentFailureIn,
  onInterrupt,
  UnsupportedFaultError,
  type FaultLibrary,
  type ExperimentPhase,
  type ExperimentStatus,
  type Journal,
  type ProbeSample,
  type RollbackRecord,
} from "../core/index.ts";
import { scaleSystem } from "../systems/index.ts";
import { BlastRadiusError, checkBlastRadius } from "./blast-radius.ts";
import type { ExperimentDefinition } from "./experiment-definition.ts";
import type { FaultAction } from "./fault-action.ts";
import { ScheduledFault } from "./scheduled-fault.ts";
import { refusalBeforeRunning } from "./method-rehearsal.ts";
import { PipelineSupervisor } from "./pipeline-supervisor.ts";
import { pipelineLayout } from "./pipeline-layout.ts";
import { THROUGHPUT_PROBE, type Probe, type ProbeContext } from "./probe.ts";
import { corpusPrefix, goldenKey, type GoldenOutputCache } from "./golden-output.ts";
import { goldenRun, type GoldenRun } from "./golden-run.ts";
import { recordExperimentOutcome } from "./experiment-outcome-metrics.ts";
import { ProgressTracker } from "./progress-tracker.ts";
import { recoveryAfter } from "./recovery-figures.ts";
import { buildJournal, DEFAULT_STABLE_FOR_MS, hypothesisNames, nothingLeftToRecover, relativeTo } from "./experiment-journal.ts";
import { ExperimentStop, UNSUPPORTED_PREFIX, whenStopped } from "./experiment-stop.ts";
import { runRollbacks, type RollbackStep } from "./rollback-steps.ts";
import { OperatorRerun } from "./operator-rerun.ts";
import { SafetyMonitor } from "./safety-monitor.ts";
import { takeSample } from "./probe-sample.ts";

export { UNSUPPORTED_PREFIX } from "./experiment-stop.ts";

/**
 * Runs one experiment on `env`: a fault-free baseline run of the corpus (the
 * golden output and the baseline throughput), the steady state checked, the
 * pipeline started again with the method's faults injected and removed on
 * schedule while probes are sampled, every rollback run, then recovery and
 * data integrity measured. Always returns a journal; never throws for what
 * the experiment found.
 */
export async function runExperiment(env: ChaosEnvironment, definition: ExperimentDefinition, options: RunExperimentOptions = {}): Promise<Journal> {
  return new ExperimentRun(env, definition, options.goldenCache).run(options.onJournal);
}

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions {
  /**
   * Called with the journal once it is complete, before runExperiment
   * resolves — also after Ctrl-C, where the process exits once the rollbacks
   * and this callback are done (e.g. `writeJournal`).
   */
  onJournal?: (journal: Journal) => Promise<unknown>;
  /** Where golden outputs of this test run are kept, so runs of the same input share one fault-free run; default: none (every experiment runs its own). */
  goldenCache?: GoldenOutputCache;
}

/** How long Ctrl-C waits for the journal to be finished and handed over. */
const INTERRUPTED_JOURNAL_GRACE_MS = 8_000;

class ExperimentRun {
  private readonly startedAt = performance.now();
  private readonly wallClockStart = new Date();
  private readonly samples: ProbeSample[] = [];
  private readonly faults: ScheduledFault[] = [];
  private readonly rollbacks: RollbackRecord[] = [];
  private readonly stop = new AbortController();
  private readonly sampleEveryMs: number;
  private readonly timeLimitMs: number;
  private readonly safety: SafetyMonitor;
  private status: ExperimentStatus = "completed";
  private reason: string | undefined;
  /** The first environment failure: the journal's reason, whatever failed after it. */
  private environmentFailure: string | undefined;
  private baselineThroughput = 0;
  private lowestThroughputDuringFault: number | undefined;
  private steadyStateBefore: boolean | null = null;
  private steadyStateAfter: boolean | null = null;
  private pipeline: PipelineSupervisor | undefined;
  private faultLibrary: FaultLibrary | undefined;
  private pipelineStartedAt: number | undefined;
  private pipelineEndedAt: number | undefined;
  private rolledBack: Promise<void> | undefined;
  private system: AttachedSystem | undefined;
  private readonly rerun = new OperatorRerun();

  constructor(
    private readonly env: ChaosEnvironment,
    private readonly definition: ExperimentDefinition,
    private readonly goldenCache: GoldenOutputCache | undefined,
  ) {
    this.sampleEveryMs = definition.sampleEveryMs ?? 200;
    this.timeLimitMs = definition.timeLimitMs ?? 120_000;
    this.safety = new SafetyMonitor(definition);
  }

  async run(onJournal?: (journal: Journal) => Promise<unknown>): Promise<Journal> {
    let handedOver!: () => void;
    const journalHandedOver = new Promise<void>((resolve) => (handedOver = resolve));
    const unregister = onInterrupt(async () => {
      this.halt(new ExperimentStop("interrupted", "interrupted (Ctrl-C / SIGTERM); faults rolled back"));
      await this.rollback();
      await Promise.race([journalHandedOver, sleep(INTERRUPTED_JOURNAL_GRACE_MS)]);
    });
    const timeLimit = setTimeout(
      () => this.halt(new ExperimentStop("aborted", `safety: the time limit of ${this.timeLimitMs} ms was reached`)),
      this.timeLimitMs,
    );
    try {
      const journal = await this.execute();
      await recordExperimentOutcome(journal);
      await onJournal?.(journal);
      return journal;
    } finally {
      clearTimeout(timeLimit);
      unregister();
      handedOver();
    }
  }

  private async execute(): Promise<Journal> {
    let golden: GoldenRun | undefined;
    let experiment: PipelineDatabase | undefined;
    let inputKeys: string[] = [];
    let tracker: ProgressTracker | undefined;
    const definedSystem = this.definition.system ?? scaleSystem;
    try {
      checkBlastRadius(this.env, this.definition.method, this.timeLimitMs);
      // A fault this environment refuses stops the experiment now, not after a fault-free run of the whole corpus.
      this.faultLibrary = this.env.createFaults();
      const refused = await refusalBeforeRunning(this.definition.method, this.faultLibrary);
      if (refused) throw refused;
      // The golden run is one process, sharded or not: a sharded run must write what a single one does.
      const { shards, ...launch } = this.definition.pipeline ?? {};
      const layout = pipelineLayout(definedSystem, shards);
      const key = await goldenKey(this.definition.corpus, launch, this.env.kind, definedSystem);
      const prefix = corpusPrefix(key);
      inputKeys = this.definition.corpus.map((object) => prefix + object.key);
      const workUnits = definedSystem.workUnits(this.definition.corpus);
      await this.env.seed(this.definition.corpus.map((object) => ({ key: prefix + object.key, body: object.body })));
      this.system = await definedSystem.attach(this.env);
      const system = this.system;
      golden = await goldenRun(this.env, system, { ...launch, prefix }, key, workUnits, this.stop.signal, this.goldenCache);
      const baseline = golden.baseline;
      this.baselineThroughput = baseline.throughput;

      experiment = await this.env.createDatabase("experiment");
      tracker = new ProgressTracker(workUnits);
      const context = (): ProbeContext => ({
        env: this.env,
        system,
        progress: tracker!,
        baselineThroughput: this.baselineThroughput,
        pipelineRunning: this.pipeline?.running ?? false,
      });
      this.steadyStateBefore = await this.tick("before", context);
      if (!this.steadyStateBefore) throw new Error("the steady state did not hold before the method: nothing was injected");
      await this.checkSafetyProbes("before", context());
      if (this.stop.signal.aborted) throw this.stop.signal.reason;

      this.pipeline = new PipelineSupervisor(system, { ...launch, prefix, database: experiment.name }, tracker, layout);
      this.pipelineStartedAt = performance.now();
      await this.pipeline.start();
      const sampling = this.sampleUntilStopped(context);
      const method = Promise.all(this.definition.method.map((action) => this.perform(action, prefix, experiment!, tracker!)));
      // Awaited only once the pipeline has ended: a fault failing before that must not be an unhandled rejection (it crashes Node).
      method.catch(() => undefined);
      let exit = await Promise.race([this.pipeline.finished, this.stopped()]);
      this.pipelineEndedAt = performance.now();
      if (this.definition.rerun) {
        const context = {
          faults: this.faults,
          faultLibrary: this.faultLibrary,
          pipeline: this.pipeline,
          system,
          database: experiment,
          stopped: () => this.stopped(),
          relative: (at: number) => this.relative(at),
        };
        exit = await this.rerun.after(context, { startedAt: this.pipelineStartedAt, endedAt: this.pipelineEndedAt, exit });
        this.pipelineEndedAt = performance.now();
      }
      if (exit.code !== 0) throw new Error(`the pipeline exited with ${exit.signal ?? `code ${exit.code}`}:\n${exit.outputTail}`);
      await Promise.race([method, this.stopped()]);
      await this.sampleUntilRecovered();
      this.stop.abort(new ExperimentStop("aborted", "sampling done"));
      await sampling;
    } catch (error) {
      this.fail(error);
    } finally {
      await this.rollback();
    }
    if (tracker && this.status !== "interrupted") {
      const context: ProbeContext = {
        env: this.env,
        system: this.system,
        progress: tracker,
        baselineThroughput: this.baselineThroughput,
        pipelineRunning: false,
      };
      this.steadyStateAfter = await this.tick("after", () => context).catch(() => false);
    }
    try {
      const integrity =
        golden && experiment && this.system && this.status === "completed"
          ? await this.system.judge(await golden.snapshot(), await this.system.snapshot(experiment), inputKeys)
          : null;
      return this.journal(integrity, tracker, golden);
    } finally {
      await this.system?.[Symbol.asyncDispose]();
    }
  }

  /** Schedules `action`; an unsupported fault stops the experiment with a reason scenarios turn into a skip. */
  private async perform(action: FaultAction, prefix: string, database: PipelineDatabase, progress: ProgressTracker): Promise<void> {
    const fault = new ScheduledFault(action, {
      experimentId: this.definition.id,
      cause: this.definition.cause,
      env: this.env,
      system: this.system!,
      faults: this.faultLibrary!,
      pipeline: this.pipeline!,
      prefix,
      launchedAt: this.pipelineStartedAt!,
      signal: this.stop.signal,
      relative: (monotonic) => this.relative(monotonic),
      noteError: (error) => this.noteEnvironmentFailure(error),
    });
    this.faults.push(fault);
    try {
      await fault.perform(progress, database);
    } catch (error) {
      if (error instanceof UnsupportedFaultError) this.halt(new ExperimentStop("aborted", `${UNSUPPORTED_PREFIX}${error.message}`));
      throw error;
    }
  }

  /** Every rollback runs, whatever failed before it; each is recorded. */
  private rollback(): Promise<void> {
    this.rolledBack ??= (async () => {
      this.stop.abort(new ExperimentStop("aborted", "rolling back"));
      const steps: RollbackStep[] = [
        ...this.faults
          .filter((entry) => entry.handle && entry.record.removedAt === null)
          .map((entry): RollbackStep => [`remove fault: ${entry.action.name}`, () => entry.remove()]),
        ["remove any other fault", () => this.faultLibrary?.removeAll() ?? Promise.resolve()],
        ["stop the pipeline", () => this.pipeline?.stop() ?? Promise.resolve()],
      ];
      this.rollbacks.push(
        ...(await runRollbacks(
          steps,
          () => this.relative(performance.now()),
          (error) => this.noteEnvironmentFailure(error),
        )),
      );
    })();
    return this.rolledBack;
  }

  private async sampleUntilStopped(context: () => ProbeContext): Promise<void> {
    while (!this.stop.signal.aborted) {
      const tickStarted = performance.now();
      await Promise.all([this.tick("during", context), this.checkSafetyProbes("during", context())]);
      this.checkSafety(context());
      await sleep(Math.max(0, tickStarted + this.sampleEveryMs - performance.now()), undefined, { signal: this.stop.signal }).catch(() => undefined);
    }
  }

  /** After the pipeline finished: keeps sampling until the steady state has been stable since the last removal (bounded by the time limit). */
  private async sampleUntilRecovered(): Promise<void> {
    const stableForMs = this.definition.stableForMs ?? DEFAULT_STABLE_FOR_MS;
    const lastRemoval = Math.max(...this.faults.map((entry) => entry.record.removedAt ?? 0), 0);
    const names = this.hypothesisNames();
    if (nothingLeftToRecover({ definition: this.definition, startedAt: this.startedAt, pipelineEndedAt: this.pipelineEndedAt }, lastRemoval)) return;
    while (!this.stop.signal.aborted) {
      const now = this.relative(performance.now());
      const recovered = recoveryAfter(this.samples, names, lastRemoval, stableForMs);
      if (recovered !== null && now - (lastRemoval + recovered) >= stableForMs) return;
      await sleep(this.sampleEveryMs, undefined, { signal: this.stop.signal }).catch(() => undefined);
    }
  }

  private checkSafety(context: ProbeContext): void {
    const maxRetries = this.definition.maxRetries;
    if (maxRetries !== undefined && context.progress.latest.retries > maxRetries) {
      this.halt(new ExperimentStop("aborted", `safety: the pipeline retried ${context.progress.latest.retries} times (limit ${maxRetries})`));
    }
  }

  private async checkSafetyProbes(phase: ExperimentPhase, context: ProbeContext): Promise<void> {
    const stop = await this.safety.check(context, phase, this.relative(performance.now()), (sample) => this.samples.push(sample));
    if (stop) this.halt(stop);
  }

  /** Samples every applicable probe once; returns whether all held. */
  private async tick(phase: ExperimentPhase, context: () => ProbeContext): Promise<boolean> {
    const at = performance.now();
    const scraped = phase === "during" ? this.pipeline?.sample(at) : undefined;
    const before = context();
    const probes = this.definition.hypothesis.filter((probe) => !probe.whilePipelineRuns || (phase === "during" && before.pipelineRunning));
    // Probes of the dependencies do not wait for the scrape of the pipeline's metrics (up to its deadline on a busy
    // machine, which halved the pings taken during a partition); the probes that read progress do. A sample's `at`
    // is when its measurement began: scenarios place a round trip in time by `at + value`.
    const independent = probes.filter((probe) => !probe.whilePipelineRuns);
    const pinged = independent.map((probe) => this.sample(probe, before, phase, this.relative(performance.now())));
    await scraped;
    const now = context();
    const measuredAt = this.relative(performance.now());
    const onProgress = probes.filter((probe) => probe.whilePipelineRuns).map((probe) => this.sample(probe, now, phase, measuredAt));
    const results = await Promise.all([...pinged, ...onProgress]);
    if (phase === "during") this.trackThroughputDip(now);
    return results.every(Boolean);
  }

  private async sample(probe: Probe, context: ProbeContext, phase: ExperimentPhase, at: number): Promise<boolean> {
    const sample = await takeSample(probe, context, phase, at);
    this.samples.push(sample);
    return sample.ok;
  }

  private trackThroughputDip(context: ProbeContext): void {
    const faultActive = this.faults.some((entry) => entry.record.injectedAt !== null && entry.record.removedAt === null);
    if (!faultActive || context.progress.warmedUpAt === undefined || context.progress.extractionComplete) return;
    const last = this.samples.findLast((sample) => sample.probe === THROUGHPUT_PROBE);
    if (last?.value == null) return;
    this.lowestThroughputDuringFault = Math.min(this.lowestThroughputDuringFault ?? Infinity, last.value);
  }

  private stopped(): Promise<never> {
    return whenStopped(this.stop.signal);
  }

  private halt(reason: ExperimentStop): void {
    if (this.stop.signal.aborted) return;
    this.status = reason.status;
    this.reason = reason.message;
    this.stop.abort(reason);
  }

  private fail(error: unknown): void {
    this.noteEnvironmentFailure(error);
    if (this.status === "aborted" || this.status === "interrupted") return;
    // A system this environment cannot run (attach refused it): a skip with its reason, like an unsupported fault.
    if (error instanceof UnsupportedFaultError) return void this.halt(new ExperimentStop("aborted", `${UNSUPPORTED_PREFIX}${error.message}`));
    this.status = error instanceof BlastRadiusError ? "aborted" : "failed";
    this.reason = error instanceof Error ? error.message : String(error);
  }

  private noteEnvironmentFailure(error: unknown): void {
    this.environmentFailure ??= environmentFailureIn(error)?.message;
  }

  private hypothesisNames(): ReadonlySet<string> {
    return hypothesisNames(this.definition);
  }

  private relative(monotonic: number): number {
    return relativeTo(this.startedAt, monotonic);
  }

  private journal(integrity: Journal["integrity"], tracker: ProgressTracker | undefined, golden: GoldenRun | undefined): Journal {
    // An environment that failed to start or restore something is why the run failed, whatever the pipeline did after it (Ctrl-C aside).
    const outcome =
      this.environmentFailure !== undefined && this.status !== "interrupted"
        ? { status: "failed" as const, reason: this.environmentFailure }
        : { status: this.status, reason: this.reason };
    return buildJournal({
      definition: this.definition,
      env: this.env,
      wallClockStart: this.wallClockStart,
      startedAt: this.startedAt,
      status: outcome.status,
      reason: outcome.reason,
      timeLimitMs: this.timeLimitMs,
      samples: this.samples,
      faults: this.faults.map((entry) => entry.record),
      rollbacks: this.rollbacks,
      baselineThroughput: this.baselineThroughput,
      lowestThroughputDuringFault: this.lowestThroughputDuringFault,
      steadyStateBefore: this.steadyStateBefore,
      steadyStateAfter: this.steadyStateAfter,
      pipelineStartedAt: this.pipelineStartedAt,
      pipelineEndedAt: this.pipelineEndedAt,
      pipelineProcesses: this.pipeline?.processes ?? 0,
      retries: tracker?.latest.retries ?? 0,
      integrity,
      golden: golden ? { key: golden.key, reused: golden.reused } : undefined,
      rerun: this.rerun.record,
    });
  }
}
