import type { ProcessOutcome, StartOutcome } from "../../env-kit/index.ts";

/** A server process an environment started and can therefore break: PostgreSQL, the S3 server. */
export interface FaultableProcess {
  /** Name for fault descriptions, e.g. "postgres". */
  readonly name: string;
  readonly pid: number | undefined;
  readonly isRunning: boolean;
  /** SIGKILL, waiting until it is gone. */
  kill(): Promise<ProcessOutcome>;
  /** Orderly shutdown, waiting until it is gone. */
  gracefulStop(): Promise<ProcessOutcome>;
  /** SIGSTOP: the process stays, its sockets stay open, nothing answers. */
  pause(): ProcessOutcome;
  /** SIGCONT. */
  resume(): ProcessOutcome;
  /** Starts it again on the same data, resolving once it accepts connections. */
  restart(): Promise<StartOutcome>;
}
