/**
 * An experiment as a YAML or JSON file declares it: the same model as
 * {@link ExperimentDefinition}, as plain data. `schemas/experiment.schema.json`
 * is its schema; these types are what a file holds once it passed it.
 */
import type { BodyCondition, CommandProbeOptions, Comparison, HttpProbeOptions, PromqlProbeOptions, SqlProbeOptions } from "../experiment/index.ts";
import type { DowntimeCause, PipelineLaunchRequest, S3FaultSpec, ServiceName, SteadyStateTolerances } from "../experiment/index.ts";
import type { ToxicSpec } from "../toxiproxy/index.ts";

/** A file's experiment, after variables were substituted and the schema passed. */
export interface ExperimentFile {
  id: string;
  title: string;
  cause: DowntimeCause;
  corpus: CorpusDeclaration;
  hypothesis: HypothesisProbeDeclaration[];
  method: FaultDeclaration[];
  budget: { recoveryMs: number };
  rerun?: "after-faults-removed";
  pipeline?: Omit<PipelineLaunchRequest, "prefix" | "database">;
  timeLimitMs?: number;
  safety?: { probe: ProbeDeclaration; consecutiveFailures?: number }[];
  maxRetries?: number;
  sampleEveryMs?: number;
  stableForMs?: number;
}

/** The bucket's objects: generated songs and/or the corrupt files the pipeline must quarantine. */
export interface CorpusDeclaration {
  syntheticSongs?: number;
  seed?: number;
  corruptObjects?: boolean;
}

/** One probe, by kind (an object with exactly one key). */
export type ProbeDeclaration =
  | { throughput: { atLeast: number; windowMs?: number } }
  | { errorRate: { atMostPerSecond: number; windowMs?: number } }
  | { answersWithin: { service: ServiceName; withinMs: number } }
  | { http: Omit<HttpProbeOptions, "body"> & { body?: BodyCondition } }
  | { sql: Omit<SqlProbeOptions, "url" | "expect"> & { url: string; expect: Comparison } }
  | { promql: Omit<PromqlProbeOptions, "expect"> & { expect: Comparison } }
  | { command: CommandProbeOptions };

/** A hypothesis entry: one probe, or the pipeline's usual steady state (four probes). */
export type HypothesisProbeDeclaration = ProbeDeclaration | { pipelineSteadyState: SteadyStateTolerances };

/** When a fault starts (an object with exactly one key). */
export type TriggerDeclaration = { afterMs: number } | { afterProgress: number } | { whileStatementRuns: string } | { atLaunch: true };

/** A statement match of a Postgres rule, with regular expressions as their sources. */
export interface StatementMatchDeclaration {
  kind?: "begin" | "commit" | "rollback" | "copy" | "query" | ("begin" | "commit" | "rollback" | "copy" | "query")[];
  pattern?: string;
  inTransactionWith?: string;
  /** Flags of both expressions, e.g. "i". */
  flags?: string;
}

type PostgresOccurrence = { nth: number } | { every: true } | { probability: number; seed: number };

/** A Postgres proxy rule as a file writes it: the rule spec with patterns as strings. */
export type PostgresRuleDeclaration = { occurrence?: PostgresOccurrence; match?: StatementMatchDeclaration } & (
  | { type: "error"; sqlstate: string; message?: string; severity?: "ERROR" | "FATAL" }
  | { type: "commitAckLost" }
  | { type: "cutMidCopy"; afterBytes?: number; afterMessages?: number }
  | { type: "hold"; delayMs: number }
  | { type: "reset" }
);

/** A fault of the fault library, by `kind`, with the parameters of its method. */
export type FaultSpecDeclaration =
  | { kind: "kill" | "stop"; service: ServiceName; restartOnRemove?: boolean }
  | { kind: "pause"; service: ServiceName; durationMs?: number }
  | { kind: "partition"; service: ServiceName }
  | ({ kind: "toxic"; service: ServiceName } & ToxicSpec)
  | ({ kind: "s3" } & S3FaultSpec)
  | ({ kind: "postgres" } & PostgresRuleDeclaration)
  | { kind: "exhaustConnections"; reserve?: number; durationMs?: number }
  | { kind: "cpuPressure"; workers: number; durationMs?: number }
  | { kind: "memoryPressure"; mebibytes: number; durationMs?: number }
  | { kind: "killPipeline" };

/** A step of the method. */
export interface FaultDeclaration {
  name: string;
  fault: FaultSpecDeclaration;
  when?: TriggerDeclaration;
  /** Removed this long after injection; omitted: kept until the rollback. */
  forMs?: number;
}
