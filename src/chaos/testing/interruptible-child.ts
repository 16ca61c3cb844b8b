import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { trackChild } from "../core/index.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** How long {@link InterruptibleChild.untilLine} waits by default, below the unit tests' 60 s timeout: a child that neither reports nor exits must not hold its test past it, or the test's disposal never runs. */
const REPORT_TIMEOUT_MS = 45_000;

/** How a child process ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A TypeScript script run as its own Node process, for tests of what Ctrl-C
 * does: the script prints a line once what it holds is in place, the test
 * interrupts it and then checks what was left behind. Disposal kills it,
 * whatever happened in the test.
 */
export class InterruptibleChild implements AsyncDisposable {
  /** Settles once the process has exited and its output is complete. */
  readonly exited: Promise<ChildExit>;
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private readonly lineWaiters = new Set<() => void>();
  private out = "";
  private err = "";

  constructor(script: string, args: readonly string[] = []) {
    this.child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    // Killed when the test process exits, even if a timed-out test never reached its disposal.
    trackChild(this.child);
    this.child.stdout!.on("data", (chunk: Buffer) => (this.out += chunk.toString()));
    this.child.stderr!.on("data", (chunk: Buffer) => (this.err += chunk.toString()));
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      this.lines.push(line);
      for (const wake of this.lineWaiters) wake();
    });
    this.exited = new Promise((resolve) => this.child.once("close", (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** The first line the child printed that `matches`; rejects, with its stderr, if it exits before printing one or `timeoutMs` passes. */
  untilLine(matches: (line: string) => boolean = () => true, timeoutMs = REPORT_TIMEOUT_MS): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.lineWaiters.delete(check);
        reject(new Error(`child printed no matching line within ${timeoutMs} ms:\n${this.err}`));
      }, timeoutMs);
      const check = () => {
        const found = this.lines.find(matches);
        if (found === undefined) return;
        this.lineWaiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      this.lineWaiters.add(check);
      check();
      void this.exited.then(({ code, signal }) => {
        this.lineWaiters.delete(check);
        clearTimeout(timer);
        reject(new Error(`child exited (${code ?? signal}) before reporting:\n${this.err}`));
      });
    });
  }

  /** The child's first line, read as the JSON report of what it holds. */
  async report<T>(timeoutMs = REPORT_TIMEOUT_MS): Promise<T> {
    return JSON.parse(await this.untilLine(() => true, timeoutMs)) as T;
  }

  /** Ctrl-C. */
  interrupt(): void {
    this.child.kill("SIGINT");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }
}
