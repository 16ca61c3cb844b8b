import type { PipelineConfigInput } from "../../pipeline/index.ts";
import type { FaultLibrary } from "./fault-library.ts";
import type { PipelineLaunchRequest, PipelineProcess } from "./pipeline-process.ts";
import type { DependencyNetwork } from "./system-under-test.ts";

/** Where an experiment runs: the same scenarios run on each. */
export type EnvironmentKind = "embedded" | "containers" | "kubernetes" | "external";

/** The services of an environment that faults and probes address by name. */
export type ServiceName = "postgres" | "s3";

/** An object to put into a bucket. */
export interface SeedObject {
  key: string;
  body: Uint8Array;
}

/** A database of the environment for one pipeline run (the experiment's, or the golden run's). */
export interface PipelineDatabase {
  name: string;
  /** Direct connection string, for checks no network fault can touch. Contains a password: never log it. */
  url: string;
}

/**
 * What an experiment needs from an environment, whatever runs it: local
 * processes (embedded), containers (Testcontainers) or a Kubernetes cluster.
 */
export interface ChaosEnvironment extends AsyncDisposable {
  readonly kind: EnvironmentKind;
  /** Where faults land, for journals, guards and logs, e.g. "embedded (this machine)" or "kubernetes staging/chaos". Never credentials. */
  readonly target: string;
  /** True only when every fault stays inside throwaway processes this test started; anything else needs an explicit opt-in. */
  readonly isLocal: boolean;
  readonly bucket: string;
  /** Creates an empty database for one run. */
  createDatabase(label: string): Promise<PipelineDatabase>;
  /** Uploads objects into the bucket (created on first use). */
  seed(objects: Iterable<SeedObject>): Promise<number>;
  /** The pipeline's configuration for an in-process run; its traffic goes through the fault layers unless `direct`. */
  pipelineConfig(prefix: string, options: { database: string; direct?: boolean }): PipelineConfigInput;
  /** Starts the pipeline as its own process (a child process, a container, a Kubernetes Job), through the fault layers. */
  launchPipeline(request: PipelineLaunchRequest): Promise<PipelineProcess>;
  /** Proxies in front of a system under test's own http/tcp dependencies, where the environment can put them there. */
  readonly dependencyNetwork?: DependencyNetwork;
  /** A fresh fault library for one experiment; the experiment removes what it injected. */
  createFaults(): FaultLibrary;
  /** Times one round trip to `service` on the pipeline's path (through the fault layers): `SELECT 1`, or a bucket HEAD. Throws when it fails. */
  ping(service: ServiceName, timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
}
