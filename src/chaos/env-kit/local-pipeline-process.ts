import { spawn, type ChildProcess } from "node:child_process";
import { resolvePipelineConfig, type PipelineConfigInput } from "../../pipeline/index.ts";
import { trackChild, type PipelineExit, type PipelineLaunchRequest, type PipelineProcess } from "../core/index.ts";
import { pipelineCli } from "./compiled-cli.ts";
import { freePort } from "./free-port.ts";
import { LogTail } from "./log-tail.ts";
import { scrapePipelineProgress } from "./pipeline-metrics-scrape.ts";

const STOP_GRACE_MS = 10_000;

/**
 * Runs `chaos-control pipeline` as a child process of this one, as it would
 * run in production: its own process (so it can be killed), metrics on a free
 * loopback port, credentials in its environment rather than its arguments.
 * `config` says where the data is (from an environment's `pipelineConfig`).
 */
export async function launchLocalPipeline(config: PipelineConfigInput, request: PipelineLaunchRequest): Promise<PipelineProcess> {
  const resolved = resolvePipelineConfig(config);
  const metricsPort = await freePort();
  // The database URL holds a password: it goes in the child's environment, which other local users cannot read, never in its arguments (`ps` shows those to everyone).
  const args = [pipelineCli(), "pipeline", "--bucket", resolved.s3.bucket, "--prefix", resolved.s3.prefix, "--metrics-port", String(metricsPort)];
  if (resolved.s3.endpoint) args.push("--s3-endpoint", resolved.s3.endpoint);
  const flags: [string, number | undefined][] = [
    ["--write-batch-files", request.writeBatchFiles],
    ["--pair-batch-size", request.pairBatchSize],
    ["--concurrency", request.concurrency],
    ["--request-timeout-ms", request.requestTimeoutMs],
    ["--query-timeout-ms", request.queryTimeoutMs],
    ["--retry-attempts", request.retryAttempts],
  ];
  for (const [flag, value] of flags) if (value !== undefined) args.push(flag, String(value));
  const { shard } = request;
  if (shard) args.push("--stages", shard.stage, "--shard-index", String(shard.index), "--shard-count", String(shard.count));
  // The shard comes from the request only: an Indexed Job's variables in this process' environment must not split a run.
  const { JOB_COMPLETION_INDEX: _index, SHARD_COUNT: _count, ...inherited } = process.env;
  const credentials = resolved.s3.credentials;
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...inherited,
      CI: "1",
      // The SDK's Node-version notice is the parent's to give once, not every pipeline child's.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      DATABASE_URL: resolved.databaseUrl,
      AWS_REGION: resolved.s3.region,
      ...(credentials ? { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey } : {}),
    },
  });
  trackChild(child);
  return new LocalPipelineProcess(child, `http://127.0.0.1:${metricsPort}/metrics`, [resolved.databaseUrl, credentials?.secretAccessKey]);
}

class LocalPipelineProcess implements PipelineProcess {
  readonly id: string;
  readonly exited: Promise<PipelineExit>;
  private readonly output = new LogTail(40);
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly metricsUrl: string,
    secrets: (string | undefined)[],
  ) {
    this.id = `pid ${child.pid}`;
    const redact = (text: string) => secrets.reduce<string>((out, secret) => (secret ? out.split(secret).join("[redacted]") : out), text);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => this.output.push(redact(chunk)));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => this.output.push(redact(chunk)));
    this.exited = new Promise((resolve) => {
      child.once("error", (error) => resolve({ code: null, signal: null, outputTail: `could not start: ${error.message}` }));
      child.once("close", (code, signal) => resolve({ code, signal, outputTail: this.output.text() }));
    });
  }

  progress() {
    return scrapePipelineProgress(this.metricsUrl);
  }

  async kill(): Promise<{ id: string; signal: string }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
    return { id: this.id, signal: "SIGKILL" };
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return;
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
