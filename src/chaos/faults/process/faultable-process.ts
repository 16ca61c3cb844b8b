import type { ProcessOutcome, StartOutcome } from "../../env-kit/index.ts";

/** A server process an environment started and can therefore break: PostgreSQL, the S3 server. */
export interface FaultableProcess {
  /** Name for fault descriptions, e.g. "postgres". */
  readonly name: string;
  readonly pid: number | undefined;
  readonly isRunning: boolean;
  /** SIGKILL, resolving once it and its children are gone. */
  kill(): Promise<ProcessOutcome>;
  /** Orderly shutdown, resolving once it and its children are gone. */
  gracefulStop(): Promise<ProcessOutcome>;
  /** SIGSTOP: the processes stay, their sockets stay open, nothing answers; resolves once every one is stopped. */
  pause(): Promise<ProcessOutcome>;
  /** SIGCONT, resolving once none is stopped any more. */
  resume(): Promise<ProcessOutcome>;
  /** Starts it again on the same data, resolving once it accepts connections. */
  restart(): Promise<StartOutcome>;
}
