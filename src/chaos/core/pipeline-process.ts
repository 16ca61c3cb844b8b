/** A pipeline run the experiment asks an environment to start. */
export interface PipelineLaunchRequest {
  /** Only keys under this prefix. */
  prefix: string;
  /** The database the run writes (from {@link ChaosEnvironment.createDatabase}). */
  database: string;
  /** Files written per transaction (small values give many commits to break). */
  writeBatchFiles?: number;
  /** Similar pairs written per transaction. */
  pairBatchSize?: number;
  /** Downloads in flight. */
  concurrency?: number;
  /** Per-request S3 deadline in ms. */
  requestTimeoutMs?: number;
  /** Per-statement Postgres deadline in ms. */
  queryTimeoutMs?: number;
  /** Attempts of one S3 request or Postgres write before the run fails (default 12, about 18-36 s of backoff); a few make an outage outlast the budget quickly. */
  retryAttempts?: number;
  /** Run one stage, and only this shard's part of it (default: every stage over all of the input, one process). */
  shard?: PipelineShard;
}

/**
 * One process of a sharded stage, as one pod of a Kubernetes Indexed Job: the
 * stage it runs (one of the system's `shardedStages`), its index and
 * how many shards the stage has.
 */
export interface PipelineShard {
  stage: string;
  /** From 0 to `count - 1`. */
  index: number;
  count: number;
}

/** The pipeline's cumulative counters, read from its Prometheus metrics. */
export interface PipelineProgress {
  /** Objects committed (written or quarantined) by this process. */
  objectsDone: number;
  /** Similar pairs committed. */
  pairsWritten: number;
  /** Retried attempts of any operation. */
  retries: number;
  /** Objects quarantined. */
  quarantined: number;
}

/** How a pipeline process ended. */
export interface PipelineExit {
  /** Exit code (0 done, 1 failed, 2 bad configuration, 130 interrupted), or null when killed by a signal. */
  code: number | null;
  signal: string | null;
  /** The end of its output, for failure messages (never credentials). */
  outputTail: string;
}

/** One running pipeline process (a child process, a container, a pod). */
export interface PipelineProcess extends AsyncDisposable {
  /** What to call it in journals: "pid 1234", "pod scale-extract-0-abcde". */
  readonly id: string;
  /** Scrapes its metrics; throws when the process cannot be reached. */
  progress(): Promise<PipelineProgress>;
  /** Settles when the process has exited. */
  readonly exited: Promise<PipelineExit>;
  /** Ends it abruptly (SIGKILL / pod kill) and resolves with what was killed, once it is gone. */
  kill(): Promise<{ id: string; signal: string }>;
  /** Asks it to stop (SIGTERM) and waits; kills it if it does not exit in time. Idempotent. */
  stop(): Promise<void>;
}
