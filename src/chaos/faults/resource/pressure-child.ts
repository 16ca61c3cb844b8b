/**
 * A Node child process that puts pressure on the machine (CPU, memory) and
 * talks to its parent in JSON lines on stdout. It stops when its stdin
 * closes, so it also stops when the parent dies without cleaning up; the
 * child registry SIGKILLs it if the parent exits normally first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { trackChild } from "../../core/index.ts";

/** How long a child may take to report and exit after being told to stop, before it is SIGKILLed. */
export const CHILD_STOP_GRACE_MS = 2_000;
/** Characters of the child's stderr kept for error messages. */
const STDERR_TAIL_CHARS = 2_000;

/** One JSON line from a child, e.g. `{ "type": "ready", ... }`. */
export type ChildMessage = { type: string } & Record<string, unknown>;

/** How a child ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Its last "report" message, if it sent one before exiting. */
  report: ChildMessage | undefined;
}

export class PressureChild {
  private readonly messages: ChildMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private stderrTail = "";
  private closed = false;
  /** Settles when the process has exited and been reaped (its PID is gone). */
  readonly exited: Promise<ChildExit>;

  private constructor(
    private readonly child: ChildProcess,
    /** PID of the child process. */
    readonly pid: number,
  ) {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        this.messages.push(JSON.parse(line) as ChildMessage);
      } catch {
        return;
      }
      for (const wake of this.waiters) wake();
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    // A child that already exited makes writes fail with EPIPE; its exit is reported through `exited`.
    child.stdin!.on("error", () => undefined);
    this.exited = new Promise((resolve) => {
      child.once("close", (code, signal) => {
        this.closed = true;
        resolve({ code, signal, report: this.messages.findLast((message) => message.type === "report") });
        for (const wake of this.waiters) wake();
      });
    });
  }

  /** Runs `script` (CommonJS, via `node -e`) with `args` as process.argv.slice(1). */
  static start(script: string, args: readonly string[]): PressureChild {
    const { NODE_OPTIONS: _loaders, ...env } = process.env;
    const child = spawn(process.execPath, ["-e", script, ...args], { stdio: ["pipe", "pipe", "pipe"], env });
    trackChild(child);
    // A spawn failure is also emitted as an event, which must not crash the process: the throw below reports it.
    child.on("error", () => undefined);
    if (child.pid === undefined) throw new Error(`could not start ${process.execPath} for a pressure child`);
    return new PressureChild(child, child.pid);
  }

  /** Starts `count` children and waits until each has sent "ready"; if any fails, all are stopped and the first failure is thrown. */
  static async startReady(count: number, script: string, args: readonly string[], readyTimeoutMs: number): Promise<PressureChild[]> {
    const children: PressureChild[] = [];
    try {
      for (let i = 0; i < count; i++) children.push(PressureChild.start(script, args));
      await Promise.all(children.map((child) => child.message("ready", readyTimeoutMs)));
      return children;
    } catch (error) {
      await Promise.all(children.map((child) => child.stop()));
      throw error;
    }
  }

  /** Waits for a message of `type`; rejects if the child exits first or `timeoutMs` passes. */
  async message(type: string, timeoutMs: number): Promise<ChildMessage> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((message) => message.type === type);
      if (found) return found;
      if (this.closed)
        throw new Error(
          `pressure child ${this.pid} exited before "${type}" (code ${this.child.exitCode}, signal ${this.child.signalCode}): ${this.stderrTail}`,
        );
      const leftMs = deadline - performance.now();
      if (leftMs <= 0) throw new Error(`pressure child ${this.pid} sent no "${type}" within ${timeoutMs} ms: ${this.stderrTail}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, leftMs);
        this.waiters.add(wake);
      });
    }
  }

  /** Tells the child to stop (closes its stdin), SIGKILLs it if it does not exit in time, and waits until it is gone. */
  async stop(): Promise<ChildExit> {
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), CHILD_STOP_GRACE_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
