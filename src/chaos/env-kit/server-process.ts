import type { ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import { EnvironmentFailureError, onInterrupt, trackChild } from "../core/index.ts";
import { LogTail } from "./log-tail.ts";
import { continueTree, descendantPids, signalEach, stopTree, waitForAllGone } from "./process-tree.ts";

/** What a signal did, for fault journals. */
export interface ProcessOutcome {
  pid: number;
  signal: NodeJS.Signals;
  /** Monotonic time (performance.now()) the signal was sent. */
  at: number;
  /**
   * Monotonic time its effect was seen: every process of the tree gone (kill,
   * stop), stopped (pause) or no longer stopped (resume). Faults stamp this.
   */
  seenAt: number;
}

/** What a (re)start did. */
export interface StartOutcome {
  pid: number;
  /** Milliseconds from spawning the server until it accepted a connection. */
  readyAfterMs: number;
}

/** How a server shuts down in order, and how long it gets before SIGKILL. */
export interface ShutdownPolicy {
  signal: NodeJS.Signals;
  graceMs: number;
}

/**
 * A server an environment runs as a child process in its own temporary
 * directory: it can be killed, paused and restarted on the same data, which
 * is what process faults need. Signals reach the server's whole process tree
 * (PostgreSQL backends call setsid(), so a process group would miss them).
 */
export abstract class ServerProcess implements AsyncDisposable {
  abstract readonly name: string;
  readonly log = new LogTail(200);
  private child: ChildProcess | undefined;
  private stopped = false;
  private readonly unregister = onInterrupt(() => this.stop());

  protected constructor(
    /** Deleted on stop. */
    protected readonly tempRoot: string,
    private readonly shutdown: ShutdownPolicy,
    private readonly startupTimeoutMs: number,
  ) {}

  /** Starts the server's process (not yet ready). */
  protected abstract spawnServer(): ChildProcess;

  /** Resolves once `child` serves requests; `signal` aborts when startup has failed, so polling can stop. */
  protected abstract untilReady(child: ChildProcess, signal: AbortSignal): Promise<void>;

  get pid(): number | undefined {
    return this.isRunning ? this.child?.pid : undefined;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Sends `signal` (SIGKILL: to the whole tree) and waits until the server
   * and every process it had started are gone. For SIGKILL the tree is
   * frozen first, so no child forked between listing and killing survives.
   */
  async signalAndWait(signal: NodeJS.Signals): Promise<ProcessOutcome> {
    const child = this.requireRunning();
    const pid = child.pid!;
    const exited = exitOf(child);
    const at = performance.now();
    let tree: number[];
    if (signal === "SIGKILL") {
      await stopTree(pid);
      tree = [pid, ...descendantPids(pid)];
      signalEach(tree, "SIGKILL");
      signalEach(tree, "SIGCONT");
    } else {
      tree = [pid, ...descendantPids(pid)];
      process.kill(pid, signal);
    }
    await exited;
    await waitForAllGone(tree);
    return { pid, signal, at, seenAt: performance.now() };
  }

  /** kill -9 of the server and every process it started, as a crashed machine would. */
  kill(): Promise<ProcessOutcome> {
    return this.signalAndWait("SIGKILL");
  }

  /** Orderly shutdown, as the server's service manager would ask for it. */
  gracefulStop(): Promise<ProcessOutcome> {
    return this.signalAndWait(this.shutdown.signal);
  }

  /**
   * Freezes every process of the server (SIGSTOP), the parent first so it
   * starts nothing new, and resolves once each one is seen stopped:
   * connections stay open but nothing answers.
   */
  async pause(): Promise<ProcessOutcome> {
    const pid = this.requireRunning().pid!;
    const at = performance.now();
    const seenAt = await stopTree(pid);
    return { pid, signal: "SIGSTOP", at, seenAt };
  }

  /** SIGCONT to every process of the server; resolves once none is stopped any more. */
  async resume(): Promise<ProcessOutcome> {
    const pid = this.requireRunning().pid!;
    const at = performance.now();
    const seenAt = await continueTree(pid);
    return { pid, signal: "SIGCONT", at, seenAt };
  }

  /**
   * Starts the server again on the same data and port (after a kill or stop).
   * A server that exits during startup or never gets ready is an
   * {@link EnvironmentFailureError} with its log: the environment could not
   * bring back what a fault took down.
   */
  async restart(): Promise<StartOutcome> {
    if (this.isRunning) throw new Error(`${this.name} (pid ${this.child?.pid}) is still running; stop or kill it first`);
    return this.spawnAndWait().catch((error: unknown) => {
      throw new EnvironmentFailureError(`could not start ${this.name} again`, error);
    });
  }

  /** Stops the server (orderly, then SIGKILL if it hangs) and deletes its directory. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unregister();
    if (this.isRunning) {
      const child = this.child!;
      const pid = child.pid!;
      const tree = [pid, ...descendantPids(pid)];
      signalEach(tree, "SIGCONT");
      const exited = exitOf(child);
      child.kill(this.shutdown.signal);
      const timer = setTimeout(() => signalEach([pid, ...descendantPids(pid)], "SIGKILL"), this.shutdown.graceMs);
      await exited;
      clearTimeout(timer);
      await waitForAllGone(tree).catch(() => undefined);
    }
    await rm(this.tempRoot, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Spawns the server and waits until it is ready, failing with its log if it exits or takes too long. */
  protected async spawnAndWait(): Promise<StartOutcome> {
    const started = performance.now();
    const child = this.spawnServer();
    this.child = child;
    trackChild(child);
    child.stderr?.on("data", (chunk: Buffer) => this.log.push(chunk.toString()));
    let timer: NodeJS.Timeout | undefined;
    const failure = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} did not start within ${this.startupTimeoutMs} ms:\n${this.log.text()}`)), this.startupTimeoutMs);
      child.once("exit", (code, signal) => reject(new Error(`${this.name} exited during startup (code ${code}, signal ${signal}):\n${this.log.text()}`)));
    });
    failure.catch(() => undefined);
    const startup = new AbortController();
    try {
      await Promise.race([this.untilReady(child, startup.signal), failure]);
    } finally {
      clearTimeout(timer);
      startup.abort();
    }
    return { pid: child.pid!, readyAfterMs: performance.now() - started };
  }

  private requireRunning(): ChildProcess {
    if (!this.isRunning) throw new Error(`${this.name} is not running`);
    return this.child!;
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once("exit", () => resolve()));
}
