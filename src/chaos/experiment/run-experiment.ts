import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { ChaosEnvironment, PipelineDatabase } from "../env/chaos-environment.ts";
import { onInterrupt } from "../env/child-registry.ts";
import type { FaultHandle } from "../faults/fault-handle.ts";
import { UnsupportedFaultError, type FaultLibrary } from "../faults/fault-library.ts";
import { snapshotTables } from "../integrity/table-snapshot.ts";
import { BlastRadiusError, checkBlastRadius } from "./blast-radius.ts";
import type { ExperimentDefinition } from "./experiment-definition.ts";
import type { FaultAction } from "./fault-action.ts";
import { markFaultActive } from "./fault-activity.ts";
import { checkIntegrity } from "./integrity-check.ts";
import type { ExperimentPhase, ExperimentStatus, FaultRecord, Journal, ProbeSample, RollbackRecord } from "./journal.ts";
import { PipelineSupervisor } from "./pipeline-supervisor.ts";
import { THROUGHPUT_PROBE, type Probe, type ProbeContext } from "./probe.ts";
import { measureBaseline } from "./baseline-run.ts";
import { ProgressTracker } from "./progress-tracker.ts";
import { detectionAfter, recoveryAfter } from "./recovery-figures.ts";

/** Starts the reason of an experiment stopped because its environment cannot produce one of its faults. */
export const UNSUPPORTED_PREFIX = "unsupported fault: ";

/** Starts the reason of an experiment whose environment could not start or restore something (an error named EnvironmentFailureError). */
export const ENVIRONMENT_FAILURE_PREFIX = "environment failure: ";

/** Why an experiment stopped early: a safety probe, or Ctrl-C. */
class ExperimentStop extends Error {
  constructor(
    readonly status: "aborted" | "interrupted",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs one experiment on `env`: a fault-free baseline run of the corpus (the
 * golden output and the baseline throughput), the steady state checked, the
 * pipeline started again with the method's faults injected and removed on
 * schedule while probes are sampled, every rollback run, then recovery and
 * data integrity measured. Always returns a journal; never throws for what
 * the experiment found.
 */
export async function runExperiment(env: ChaosEnvironment, definition: ExperimentDefinition, options: RunExperimentOptions = {}): Promise<Journal> {
  return new ExperimentRun(env, definition).run(options.onJournal);
}

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions {
  /**
   * Called with the journal once it is complete, before runExperiment
   * resolves — also after Ctrl-C, where the process exits once the rollbacks
   * and this callback are done (e.g. `writeJournal`).
   */
  onJournal?: (journal: Journal) => Promise<unknown>;
}

/** How long Ctrl-C waits for the journal to be finished and handed over. */
const INTERRUPTED_JOURNAL_GRACE_MS = 8_000;

class ExperimentRun {
  private readonly startedAt = performance.now();
  private readonly wallClockStart = new Date();
  private readonly samples: ProbeSample[] = [];
  private readonly faults: { action: FaultAction; record: FaultRecord; handle?: FaultHandle }[] = [];
  private readonly rollbacks: RollbackRecord[] = [];
  private readonly stop = new AbortController();
  private readonly sampleEveryMs: number;
  private readonly timeLimitMs: number;
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

  constructor(
    private readonly env: ChaosEnvironment,
    private readonly definition: ExperimentDefinition,
  ) {
    this.sampleEveryMs = definition.sampleEveryMs ?? 200;
    this.timeLimitMs = definition.timeLimitMs ?? 120_000;
  }

  async run(onJournal?: (journal: Journal) => Promise<unknown>): Promise<Journal> {
    let handedOver!: () => void;
    const journalHandedOver = new Promise<void>((resolve) => (handedOver = resolve));
    const unregister = onInterrupt(async () => {
      this.halt(new ExperimentStop("interrupted", "interrupted (Ctrl-C / SIGTERM); faults rolled back"));
      await this.rollback();
      await Promise.race([journalHandedOver, sleep(INTERRUPTED_JOURNAL_GRACE_MS)]);
    });
    const timeLimit = setTimeout(() => this.halt(new ExperimentStop("aborted", `safety: the time limit of ${this.timeLimitMs} ms was reached`)), this.timeLimitMs);
    try {
      const journal = await this.execute();
      await onJournal?.(journal);
      return journal;
    } finally {
      clearTimeout(timeLimit);
      unregister();
      handedOver();
    }
  }

  private async execute(): Promise<Journal> {
    let golden: PipelineDatabase | undefined;
    let experiment: PipelineDatabase | undefined;
    let inputKeys: string[] = [];
    let tracker: ProgressTracker | undefined;
    try {
      checkBlastRadius(this.env, this.definition.method, this.timeLimitMs);
      const prefix = `${this.definition.id}-${randomBytes(3).toString("hex")}/`;
      inputKeys = this.definition.corpus.map((object) => prefix + object.key);
      await this.env.seed(this.definition.corpus.map((object) => ({ key: prefix + object.key, body: object.body })));
      golden = await this.env.createDatabase("golden");
      const baseline = await measureBaseline(this.env, { ...this.definition.pipeline, prefix, database: golden.name }, inputKeys.length, this.stop.signal);
      this.baselineThroughput = baseline.throughput;

      experiment = await this.env.createDatabase("experiment");
      tracker = new ProgressTracker(inputKeys.length);
      const context = (): ProbeContext => ({ env: this.env, progress: tracker!, baselineThroughput: this.baselineThroughput, pipelineRunning: this.pipeline?.running ?? false });
      this.steadyStateBefore = await this.tick("before", context);
      if (!this.steadyStateBefore) throw new Error("the steady state did not hold before the method: nothing was injected");

      this.faultLibrary = this.env.createFaults();
      this.pipeline = new PipelineSupervisor(this.env, { ...this.definition.pipeline, prefix, database: experiment.name }, tracker);
      this.pipelineStartedAt = performance.now();
      await this.pipeline.start();
      const sampling = this.sampleUntilStopped(context);
      const method = Promise.all(this.definition.method.map((action) => this.perform(action, experiment!.url, tracker!)));
      // Awaited only once the pipeline has ended: a fault failing before that must not be an unhandled rejection (it crashes Node).
      method.catch(() => undefined);
      const exit = await Promise.race([this.pipeline.finished, this.stopped()]);
      this.pipelineEndedAt = performance.now();
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
      const context: ProbeContext = { env: this.env, progress: tracker, baselineThroughput: this.baselineThroughput, pipelineRunning: false };
      this.steadyStateAfter = await this.tick("after", () => context).catch(() => false);
    }
    const integrity =
      golden && experiment && this.status === "completed"
        ? checkIntegrity(await snapshotTables(golden.url), await snapshotTables(experiment.url), inputKeys)
        : null;
    return this.journal(integrity, tracker);
  }

  /** Waits for `action`'s trigger, injects it, and removes it after its duration. */
  private async perform(action: FaultAction, databaseUrl: string, progress: ProgressTracker): Promise<void> {
    const record: FaultRecord = {
      name: action.name,
      kind: "unknown",
      cause: this.definition.cause,
      target: "",
      parameters: {},
      trigger: action.trigger.description,
      plannedDurationMs: action.durationMs,
      injectedAt: null,
      removedAt: null,
      recoveredAt: null,
      observations: {},
    };
    const entry: (typeof this.faults)[number] = { action, record };
    this.faults.push(entry);
    try {
      const evidence = await Promise.race([
        action.trigger.wait({ launchedAt: this.pipelineStartedAt!, progress, databaseUrl, signal: this.stop.signal }),
        this.pipeline!.finished.then(() => {
          throw new Error(`the pipeline finished before the trigger (${action.trigger.description}) fired`);
        }),
      ]);
      const handle = await action.inject({ faults: this.faultLibrary!, env: this.env, pipeline: this.pipeline! });
      entry.handle = handle;
      Object.assign(record, { kind: handle.description.kind, cause: handle.description.cause, target: handle.description.target, parameters: handle.description.parameters });
      record.observations = Object.assign(handle.observations, evidence);
      record.injectedAt = this.relative(handle.injectedAt);
      // Injected while the experiment was being stopped: the rollback may already have run.
      if (this.stop.signal.aborted) return await this.remove(entry);
      await markFaultActive(this.definition.id, action.name, handle.description.kind, true);
      if (action.durationMs !== null) {
        await sleep(Math.max(0, handle.injectedAt + action.durationMs - performance.now()), undefined, { signal: this.stop.signal });
        await this.remove(entry);
      }
    } catch (error) {
      this.noteEnvironmentFailure(error);
      if (this.stop.signal.aborted) return;
      record.error = (error as Error).message;
      if (error instanceof UnsupportedFaultError) this.halt(new ExperimentStop("aborted", `${UNSUPPORTED_PREFIX}${error.message}`));
      throw error;
    }
  }

  private async remove(entry: (typeof this.faults)[number]): Promise<void> {
    if (!entry.handle) return;
    try {
      await entry.handle.remove();
    } catch (error) {
      this.noteEnvironmentFailure(error);
      entry.record.error = `could not be removed: ${(error as Error).message}`;
      throw error;
    }
    entry.record.removedAt = this.relative(entry.handle.removedAt!);
    entry.record.observations = entry.handle.observations;
    await markFaultActive(this.definition.id, entry.action.name, entry.handle.description.kind, false);
  }

  /** Every rollback runs, whatever failed before it; each is recorded. */
  private rollback(): Promise<void> {
    this.rolledBack ??= (async () => {
      this.stop.abort(new ExperimentStop("aborted", "rolling back"));
      const steps: [string, () => Promise<void>][] = [
        ...this.faults.filter((entry) => entry.handle && entry.record.removedAt === null).map((entry): [string, () => Promise<void>] => [`remove fault: ${entry.action.name}`, () => this.remove(entry)]),
        ["remove any other fault", () => this.faultLibrary?.removeAll() ?? Promise.resolve()],
        ["stop the pipeline", () => this.pipeline?.stop() ?? Promise.resolve()],
      ];
      for (const [name, step] of steps) {
        try {
          await step();
          this.rollbacks.push({ name, at: this.relative(performance.now()), ok: true });
        } catch (error) {
          this.noteEnvironmentFailure(error);
          this.rollbacks.push({ name, at: this.relative(performance.now()), ok: false, error: (error as Error).message });
        }
      }
    })();
    return this.rolledBack;
  }

  private async sampleUntilStopped(context: () => ProbeContext): Promise<void> {
    while (!this.stop.signal.aborted) {
      const tickStarted = performance.now();
      await this.tick("during", context);
      this.checkSafety(context());
      await sleep(Math.max(0, tickStarted + this.sampleEveryMs - performance.now()), undefined, { signal: this.stop.signal }).catch(() => undefined);
    }
  }

  /** After the pipeline finished: keeps sampling until the steady state has been stable since the last removal (bounded by the time limit). */
  private async sampleUntilRecovered(): Promise<void> {
    const stableForMs = this.definition.stableForMs ?? 1_000;
    const lastRemoval = Math.max(...this.faults.map((entry) => entry.record.removedAt ?? 0), 0);
    const names = this.hypothesisNames();
    if (this.nothingLeftToRecover(lastRemoval)) return;
    while (!this.stop.signal.aborted) {
      const now = this.relative(performance.now());
      const recovered = recoveryAfter(this.samples, names, lastRemoval, stableForMs);
      if (recovered !== null && now - (lastRemoval + recovered) >= stableForMs) return;
      await sleep(this.sampleEveryMs, undefined, { signal: this.stop.signal }).catch(() => undefined);
    }
  }

  /**
   * The pipeline finished before the fault was removed and every hypothesis
   * probe measures the running pipeline: the work is done, so there is
   * nothing left to recover (recovery time 0).
   */
  private nothingLeftToRecover(removedAt: number): boolean {
    return (
      this.pipelineEndedAt !== undefined &&
      this.relative(this.pipelineEndedAt) <= removedAt &&
      this.definition.hypothesis.every((probe) => probe.whilePipelineRuns)
    );
  }

  private recoveryAfterRemoval(samples: readonly ProbeSample[], removedAt: number): number | null {
    if (this.nothingLeftToRecover(removedAt)) return 0;
    return recoveryAfter(samples, this.hypothesisNames(), removedAt, this.definition.stableForMs ?? 1_000);
  }

  private checkSafety(context: ProbeContext): void {
    const maxRetries = this.definition.maxRetries;
    if (maxRetries !== undefined && context.progress.latest.retries > maxRetries) {
      this.halt(new ExperimentStop("aborted", `safety: the pipeline retried ${context.progress.latest.retries} times (limit ${maxRetries})`));
    }
  }

  /** Samples every applicable probe once; returns whether all held. */
  private async tick(phase: ExperimentPhase, context: () => ProbeContext): Promise<boolean> {
    const at = performance.now();
    if (phase === "during") await this.pipeline?.sample(at);
    const now = context();
    const probes = this.definition.hypothesis.filter((probe) => !probe.whilePipelineRuns || (phase === "during" && now.pipelineRunning));
    const results = await Promise.all(probes.map((probe) => this.sample(probe, now, phase, this.relative(at))));
    if (phase === "during") this.trackThroughputDip(now);
    return results.every(Boolean);
  }

  private async sample(probe: Probe, context: ProbeContext, phase: ExperimentPhase, at: number): Promise<boolean> {
    try {
      const value = await probe.measure(context);
      const ok = probe.accepts(value, context);
      this.samples.push({ probe: probe.name, at, phase, value, ok });
      return ok;
    } catch (error) {
      this.samples.push({ probe: probe.name, at, phase, value: null, ok: false, error: (error as Error).message });
      return false;
    }
  }

  private trackThroughputDip(context: ProbeContext): void {
    const faultActive = this.faults.some((entry) => entry.record.injectedAt !== null && entry.record.removedAt === null);
    if (!faultActive || context.progress.warmedUpAt === undefined || context.progress.extractionComplete) return;
    const last = this.samples.findLast((sample) => sample.probe === THROUGHPUT_PROBE);
    if (last?.value == null) return;
    this.lowestThroughputDuringFault = Math.min(this.lowestThroughputDuringFault ?? Infinity, last.value);
  }

  private stopped(): Promise<never> {
    return new Promise((_, reject) => {
      const signal = this.stop.signal;
      if (signal.aborted) reject(signal.reason);
      else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
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
    this.status = error instanceof BlastRadiusError ? "aborted" : "failed";
    this.reason = error instanceof Error ? error.message : String(error);
  }

  private noteEnvironmentFailure(error: unknown): void {
    const failure = environmentFailureIn(error);
    if (!failure || this.environmentFailure !== undefined) return;
    this.environmentFailure = failure.message.startsWith(ENVIRONMENT_FAILURE_PREFIX) ? failure.message : `${ENVIRONMENT_FAILURE_PREFIX}${failure.message}`;
  }

  private hypothesisNames(): ReadonlySet<string> {
    return new Set(this.definition.hypothesis.map((probe) => probe.name));
  }

  private relative(monotonic: number): number {
    return Math.round((monotonic - this.startedAt) * 10) / 10;
  }

  private journal(integrity: Journal["integrity"], tracker: ProgressTracker | undefined): Journal {
    const names = this.hypothesisNames();
    const during = this.samples.filter((sample) => sample.phase === "during");
    for (const { record } of this.faults) {
      if (record.removedAt === null) continue;
      const recovery = this.recoveryAfterRemoval(during, record.removedAt);
      record.recoveredAt = recovery === null ? null : record.removedAt + recovery;
    }
    const removed = this.faults.map((entry) => entry.record).filter((record) => record.removedAt !== null);
    const lastRemoval = removed.length > 0 ? Math.max(...removed.map((record) => record.removedAt!)) : null;
    const injected = this.faults.map((entry) => entry.record.injectedAt).filter((at): at is number => at !== null);
    const firstInjection = injected.length > 0 ? Math.min(...injected) : null;
    // An environment that failed to start or restore something is why the run failed, whatever the pipeline did after it (Ctrl-C aside).
    const outcome = this.environmentFailure !== undefined && this.status !== "interrupted" ? { status: "failed" as const, reason: this.environmentFailure } : { status: this.status, reason: this.reason };
    const declarations = this.definition.hypothesis.map((probe) => probe.declaration({ baselineThroughput: this.baselineThroughput }));
    return {
      schemaVersion: 1,
      id: this.definition.id,
      title: this.definition.title,
      cause: this.definition.cause,
      environment: { kind: this.env.kind, target: this.env.target },
      startedAt: this.wallClockStart.toISOString(),
      durationMs: Math.round(performance.now() - this.startedAt),
      status: outcome.status,
      steadyStateDeviated: during.some((sample) => names.has(sample.probe) && !sample.ok),
      steadyStateBefore: this.steadyStateBefore,
      steadyStateAfter: this.steadyStateAfter,
      budget: { ...this.definition.budget },
      probes: [
        ...declarations,
        { name: "time limit", unit: "ms", role: "safety", tolerance: `method stops and rolls back after ${this.timeLimitMs} ms` },
        ...(this.definition.maxRetries !== undefined
          ? [{ name: "retry limit", unit: "retries", role: "safety" as const, tolerance: `stops and rolls back above ${this.definition.maxRetries} retries` }]
          : []),
      ],
      faults: this.faults.map((entry) => entry.record),
      samples: this.samples,
      rollbacks: this.rollbacks,
      figures: {
        recoveryMs: lastRemoval === null ? null : this.recoveryAfterRemoval(during, lastRemoval),
        detectionMs: firstInjection === null ? null : detectionAfter(during, names, firstInjection),
        baselineThroughput: Math.round(this.baselineThroughput * 10) / 10,
        throughputDuringFault: this.lowestThroughputDuringFault === undefined || this.baselineThroughput === 0 ? null : Math.round((this.lowestThroughputDuringFault / this.baselineThroughput) * 1000) / 1000,
        pipelineDurationMs: this.pipelineStartedAt !== undefined && this.pipelineEndedAt !== undefined ? Math.round(this.pipelineEndedAt - this.pipelineStartedAt) : null,
        pipelineProcesses: this.pipeline?.processes ?? 0,
        retries: tracker?.latest.retries ?? 0,
      },
      integrity,
      ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
    };
  }
}

/** The error the environment threw for what it could not start or restore, also inside an AggregateError. */
function environmentFailureIn(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === "EnvironmentFailureError") return error;
  return error instanceof AggregateError ? error.errors.map(environmentFailureIn).find(Boolean) : undefined;
}
