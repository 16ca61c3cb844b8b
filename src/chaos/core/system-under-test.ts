import type { ChaosEnvironment, PipelineDatabase, SeedObject } from "./chaos-environment.ts";
import type { FaultHandle } from "./fault-handle.ts";
import type { IntegrityVerdict, QuarantineEntry } from "./journal.ts";
import type { PipelineLaunchRequest, PipelineProcess } from "./pipeline-process.ts";
import type { ToxicSpec } from "../toxiproxy/index.ts";

/** How a system talks to one of its dependencies. */
export type DependencyProtocol = "postgres" | "s3" | "http" | "tcp";

/**
 * A service the system under test depends on. Postgres and S3 are the
 * environment's own (a fresh database per run, the environment's bucket);
 * an HTTP or TCP dependency is the user's, and the environment puts a
 * Toxiproxy-compatible proxy in front of it so network faults reach it.
 */
export interface SystemDependency {
  /** Names it in faults (`dependencies.toxic("items", …)`), journals and errors. */
  name: string;
  protocol: DependencyProtocol;
  /**
   * The environment variable the system reads its address from: a connection
   * string (postgres), `http://host:port/path` (http), `host:port` (tcp), an
   * endpoint URL with `<VAR>_BUCKET` and `<VAR>_PREFIX` beside it (s3).
   */
  env: string;
  /** Where the real service listens, for http (`http://127.0.0.1:8080/items`) and tcp (`127.0.0.1:6379`); the system is given the proxy's address instead. */
  upstream?: string;
}

/**
 * How the system is started. A command runs as a child process of the
 * experiment on the environment's machine; a container or a Kubernetes Job
 * runs where the environment runs its workloads. Stopping is SIGTERM (or
 * the engine's stop) then a kill after `stopGraceMs`; killing is SIGKILL.
 */
export type SystemLaunch = CommandLaunch | ContainerLaunch | KubernetesJobLaunch;

/** A command started as a child process; its dependencies' addresses come in its environment, never in its arguments. */
export interface CommandLaunch {
  kind: "command";
  command: string;
  args?: readonly string[];
  cwd?: string;
  /** Extra environment variables (no secrets: they are the experiment's to keep). */
  env?: Readonly<Record<string, string>>;
  /** How long SIGTERM may take before SIGKILL (default 10 s). */
  stopGraceMs?: number;
}

/** An image run as a container of the environment's engine. */
export interface ContainerLaunch {
  kind: "container";
  image: string;
  args?: readonly string[];
  env?: Readonly<Record<string, string>>;
}

/** An image run as a Kubernetes Job in the environment's namespace. */
export interface KubernetesJobLaunch {
  kind: "kubernetes-job";
  image: string;
  args?: readonly string[];
  env?: Readonly<Record<string, string>>;
}

/**
 * Where the experiment reads how far the system got (the throughput probe,
 * `afterProgress` triggers): a counter that reaches {@link SystemUnderTest.workUnits}
 * when the work is done, and optionally a counter of retried operations.
 */
export type ProgressReading =
  /** A query on the run's database (read directly, past every fault) returning one number in its first column. */
  | { kind: "sql"; done: string; retries?: string }
  /** Counters of a Prometheus text exposition the system serves on `PORT` (given in its environment), summed over label sets. */
  | { kind: "prometheus"; path?: string; done: string; retries?: string }
  /** A JSON document the system serves on `PORT`; `done` and `retries` are its top-level number fields. */
  | { kind: "http"; path?: string; done: string; retries?: string };

/**
 * The integrity oracle: how a run's output is judged against the golden
 * (fault-free) run's. SQL: each named query's rows must equal the golden
 * run's, a row's first column being its key (so lost, extra, duplicated and
 * changed rows are named). Command: run with the run's database in
 * `DATABASE_URL`, it prints the output in a canonical form, one line per
 * record; the lines must equal the golden run's.
 */
export type IntegrityOracle = { kind: "sql"; queries: Readonly<Record<string, string>> } | { kind: "command"; command: string; args?: readonly string[] };

/** A database-less view of a system's output, JSON-serialisable (golden outputs are cached on disk). */
export type SystemSnapshot = unknown;

/** What a run of the system is asked to do: the Scale options, the corpus' bucket prefix and the run's database. */
export type SystemRunRequest = PipelineLaunchRequest;

/**
 * The system under test: what experiments start, break and check. Scale
 * (`src/chaos/systems/scale/`) is one implementation; `commandSystem()`
 * turns a declarative {@link SystemDefinition} into another. Experiments
 * know systems only through this contract.
 */
export interface SystemUnderTest {
  /** For journals and errors, e.g. "scale" or "item-sync". */
  readonly name: string;
  readonly launch: SystemLaunch;
  readonly dependencies: readonly SystemDependency[];
  /** Progress' 100 %: the units of work a complete run of `corpus` commits (Scale: one per object). */
  workUnits(corpus: readonly SeedObject[]): number;
  /**
   * The stages a sharded run starts one after the other, each as several processes at once that split its input
   * among them (Kubernetes Indexed Jobs), each told its part in its launch request (`shard`). The first stage commits
   * the work units: once all its shards exited 0, every unit is done. Absent: the system runs as one process only.
   */
  readonly shardedStages?: readonly string[];
  /** Identifies the system's code and configuration: golden runs are reused only while it is unchanged. */
  fingerprint(): Promise<string>;
  /** Prepares `env` for this system once per experiment (proxies in front of its own dependencies); the runner disposes the result. */
  attach(env: ChaosEnvironment): Promise<AttachedSystem>;
}

/** A system attached to one environment: it can be started, and its output read and judged. */
export interface AttachedSystem extends AsyncDisposable {
  /** Starts one run (a child process, a container, a Job); the caller stops it. */
  start(request: SystemRunRequest): Promise<PipelineProcess>;
  /** Reads what a run wrote into `database`. */
  snapshot(database: PipelineDatabase): Promise<SystemSnapshot>;
  /** Judges a run's output against the golden run's; `inputKeys` are the corpus' bucket keys. */
  judge(golden: SystemSnapshot, actual: SystemSnapshot, inputKeys: readonly string[]): Promise<IntegrityVerdict>;
  /**
   * What the system holds quarantined in `database` (inputs it set aside,
   * with the reason), as the operator sees it between a failed run and the
   * rerun; null when the system has no quarantine.
   */
  quarantined(database: PipelineDatabase): Promise<QuarantineEntry[] | null>;
  /** Network faults on the system's own http/tcp dependencies. */
  readonly dependencies: DependencyFaults;
  /** The address the system is given for its own http/tcp `dependency` (through the proxy), e.g. for probes; undefined for any other name. */
  addressOf(dependency: string): string | undefined;
}

/** Network faults on a system's own dependencies, by the name the definition gives them. */
export interface DependencyFaults {
  /** A Toxiproxy toxic on the traffic between the system and `dependency`. */
  toxic(dependency: string, spec: ToxicSpec): Promise<FaultHandle>;
  /** Cuts the network between the system and `dependency`. */
  partition(dependency: string): Promise<FaultHandle>;
}

/** A TCP address. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * What an environment offers for a system's own dependencies: a proxy of
 * its network fault layer in front of each. Optional on {@link ChaosEnvironment};
 * without it, systems with http/tcp dependencies are refused with a reason.
 */
export interface DependencyNetwork {
  /** Puts a proxy in front of `upstream` named after `dependency`; the system is given the returned address. */
  expose(dependency: string, upstream: HostPort): Promise<HostPort>;
  toxic(dependency: string, spec: ToxicSpec): Promise<FaultHandle>;
  partition(dependency: string): Promise<FaultHandle>;
}

/** A system described as data, for {@link SystemUnderTest}s built by `commandSystem()`. */
export interface SystemDefinition {
  name: string;
  launch: SystemLaunch;
  dependencies: readonly SystemDependency[];
  progress: ProgressReading;
  integrity: IntegrityOracle;
  /** Units of work of a complete run (progress' 100 %). */
  workUnits: number;
  /** Files or folders whose content is the system's code: a change recomputes the golden run. */
  sources?: readonly string[];
}
