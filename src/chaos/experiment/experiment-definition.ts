import type { PipelineLaunchRequest, DowntimeCause, SeedObject, SystemUnderTest } from "../core/index.ts";
import type { FaultAction } from "./fault-action.ts";
import type { RerunPolicy } from "./operator-rerun.ts";
import type { Probe } from "./probe.ts";
import type { SafetyProbe } from "./safety-probe.ts";

/** One experiment, as a scenario declares it. */
export interface ExperimentDefinition {
  /** Stable id (file-name-like), used for the journal's file name. */
  id: string;
  /** What an SRE reads in reports: the fault and what is expected. */
  title: string;
  cause: DowntimeCause;
  /** What is started, broken and checked (default: Scale, the bundled pipeline). */
  system?: SystemUnderTest;
  /** The objects in the bucket, keys relative to the experiment's own prefix. */
  corpus: readonly SeedObject[];
  /** The steady-state hypothesis: probes with tolerances. */
  hypothesis: readonly Probe[];
  /** The faults, each with its trigger and duration. */
  method: readonly FaultAction[];
  /** The scenario's promise: the steady state is back within this long after the fault's removal. */
  budget: { recoveryMs: number };
  /**
   * The operator runs the pipeline again: "after-faults-removed" lets the
   * method's run fail (its exit and error are recorded), removes every fault,
   * starts the pipeline again into the same database and checks integrity
   * after that run. Default: one run, which must succeed.
   */
  rerun?: RerunPolicy;
  /** How the pipeline runs (batch sizes, timeouts, retry attempts), and in how many shards. */
  pipeline?: ExperimentPipeline;
  /** Safety: the whole method stops and rolls back after this long (default 120 s). */
  timeLimitMs?: number;
  /**
   * Safety probes, sampled with the hypothesis: one failing (or failing
   * `consecutiveFailures` times in a row) stops the method and rolls back,
   * as AWS FIS stop conditions do. Each must hold before the method, or
   * nothing is injected.
   */
  safety?: readonly SafetyProbe[];
  /** Safety: stops and rolls back once the pipeline retried more than this many times (default: no limit). */
  maxRetries?: number;
  /** How often probes are sampled (default 200 ms). */
  sampleEveryMs?: number;
  /** The steady state counts as back once it held this long (default 1 s). */
  stableForMs?: number;
}

/** How the experiment's pipeline runs. */
export interface ExperimentPipeline extends Omit<PipelineLaunchRequest, "prefix" | "database" | "shard"> {
  /**
   * Runs each of the system's sharded stages (Scale: extract, then similarity) as this many processes at once, one
   * stage after the other, as Kubernetes Indexed Jobs run them (default 1: one process runs everything). The golden
   * run is one process whatever this says: a sharded run must write what a single one does.
   */
  shards?: number;
}
