import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { trackChild } from "../../src/chaos/core/index.ts";
import { freePort } from "../../src/chaos/env-kit/index.ts";
import type { PipelineSummary } from "../../src/pipeline/index.ts";

const CLI = fileURLToPath(new URL("../../bin/chaos-control.mjs", import.meta.url));
const PRELOAD = fileURLToPath(new URL("./peak-rss-preload.mjs", import.meta.url));

/** Where the pipeline processes find their data; the URL and keys go in their environment, never their arguments. */
export interface PipelineTarget {
  databaseUrl: string;
  s3Endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** One pipeline process of a stage. */
export interface StageProcess {
  shard: number;
  /** From spawn to its summary on stdout, including start-up (loading the TypeScript sources) and the schema check. */
  ms: number;
  peakRssBytes: number;
  summary: PipelineSummary;
  /** Seconds spent per timed step (`scale_stage_duration_seconds_sum` by `stage`), concurrent downloads summed. */
  steps: Record<string, number>;
}

export interface StageRun {
  stage: "extract" | "similarity";
  shards: number;
  /** From the first spawn to the last exit. */
  wallMs: number;
  processes: StageProcess[];
}

/**
 * Runs one stage as `shards` processes of `chaos-control pipeline` at once (shard i of N each),
 * as Kubernetes Indexed Job pods would, and waits for all. A failing process fails the stage
 * after the others are stopped.
 */
export async function runStage(stage: "extract" | "similarity", shards: number, target: PipelineTarget): Promise<StageRun> {
  const scratch = await mkdtemp(join(tmpdir(), "lakh-rss-"));
  const started = performance.now();
  const children: ReturnType<typeof spawn>[] = [];
  try {
    const runs = Array.from({ length: shards }, (_, shard) => runShard(stage, shard, shards, target, join(scratch, `${shard}.json`), children));
    const settled = await Promise.allSettled(runs);
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed) throw failed.reason;
    return { stage, shards, wallMs: performance.now() - started, processes: settled.map((result) => (result as PromiseFulfilledResult<StageProcess>).value) };
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await rm(scratch, { recursive: true, force: true });
  }
}

async function runShard(
  stage: string,
  shard: number,
  shards: number,
  target: PipelineTarget,
  rssFile: string,
  children: ReturnType<typeof spawn>[],
): Promise<StageProcess> {
  const metricsPort = await freePort();
  // The process keeps /metrics up for a moment after its summary, so the final step timings can be read.
  const args = ["--import", PRELOAD, CLI, "pipeline", "--stages", stage, "--json", "--bucket", target.bucket, "--s3-endpoint", target.s3Endpoint];
  args.push("--metrics-port", String(metricsPort), "--metrics-linger-seconds", String(METRICS_LINGER_SECONDS));
  if (shards > 1) args.push("--shard-index", String(shard), "--shard-count", String(shards));
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      CI: "1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      DATABASE_URL: target.databaseUrl,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: target.accessKeyId,
      AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
      LAKH_PEAK_RSS_FILE: rssFile,
    },
  });
  trackChild(child);
  children.push(child);
  let stdout = "";
  let stderr = "";
  let summary: PipelineSummary | undefined;
  let ms = 0;
  let steps: Promise<Record<string, number>> = Promise.resolve({});
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    summary ??= completeJson(stdout);
    if (summary && ms === 0) {
      ms = performance.now() - started;
      steps = scrapeSteps(`http://127.0.0.1:${metricsPort}/metrics`);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode, signal) => resolve(exitCode ?? (signal ? -1 : null)));
  });
  if (code !== 0 || !summary) throw new Error(`${stage} shard ${shard} of ${shards} exited with ${code}:\n${redact(stderr, target)}`);
  const { maxRssKiB } = JSON.parse(await readFile(rssFile, "utf8")) as { maxRssKiB: number };
  return { shard, ms, peakRssBytes: maxRssKiB * 1024, summary, steps: await steps };
}

const METRICS_LINGER_SECONDS = 2;

function completeJson(text: string): PipelineSummary | undefined {
  if (!text.trimEnd().endsWith("}")) return undefined;
  try {
    return JSON.parse(text) as PipelineSummary;
  } catch {
    return undefined;
  }
}

/** The step timings from the process's /metrics; empty when it cannot be read (the figures then say so by their absence). */
async function scrapeSteps(url: string): Promise<Record<string, number>> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_500) });
    const steps: Record<string, number> = {};
    for (const match of (await response.text()).matchAll(/^scale_stage_duration_seconds_sum\{stage="([^"]+)"\} (\S+)$/gm)) steps[match[1]!] = Number(match[2]);
    return steps;
  } catch {
    return {};
  }
}

function redact(text: string, target: PipelineTarget): string {
  return [target.databaseUrl, target.secretAccessKey].reduce((out, secret) => out.split(secret).join("[redacted]"), text);
}
