import { spawn, type ChildProcess } from "node:child_process";
import { trackChild, type CommandLaunch, type PipelineExit, type PipelineProcess } from "../../core/index.ts";
import { LogTail } from "../../env-kit/index.ts";
import type { ProgressReader } from "./progress-reader.ts";

const DEFAULT_STOP_GRACE_MS = 10_000;

/**
 * Starts `launch` as a child process with `environment` added to this
 * process's (dependency addresses: they may hold passwords, so never in
 * its arguments), and its output kept with every secret redacted.
 */
export function startCommand(launch: CommandLaunch, environment: Record<string, string>, reader: ProgressReader, secrets: readonly string[]): PipelineProcess {
  const child = spawn(launch.command, [...(launch.args ?? [])], {
    cwd: launch.cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...launch.env, ...environment },
  });
  trackChild(child);
  return new CommandProcess(child, reader, secrets, launch.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
}

class CommandProcess implements PipelineProcess {
  readonly id: string;
  readonly exited: Promise<PipelineExit>;
  private readonly output = new LogTail(40);
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly reader: ProgressReader,
    secrets: readonly string[],
    private readonly stopGraceMs: number,
  ) {
    this.id = `pid ${child.pid}`;
    const redact = (text: string) => secrets.reduce<string>((out, secret) => (secret ? out.split(secret).join("[redacted]") : out), text);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => this.output.push(redact(chunk)));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => this.output.push(redact(chunk)));
    this.exited = new Promise<PipelineExit>((resolve) => {
      child.once("error", (error) => resolve({ code: null, signal: null, outputTail: `could not start: ${error.message}` }));
      child.once("close", (code, signal) => resolve({ code, signal, outputTail: this.output.text() }));
    }).finally(() => reader.close());
  }

  progress() {
    return this.reader.read();
  }

  async kill(): Promise<{ id: string; signal: string }> {
    if (this.running) this.child.kill("SIGKILL");
    await this.exited;
    return { id: this.id, signal: "SIGKILL" };
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.running) return void (await this.exited);
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), this.stopGraceMs);
      await this.exited;
      clearTimeout(timer);
    })();
    return this.stopping;
  }

  private get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
