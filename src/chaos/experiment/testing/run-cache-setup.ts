/**
 * Vitest global setup: the caches that live as long as one test run, so
 * scenarios and exploration runs of the same input share work — golden
 * outputs (see golden-output.ts: one fault-free run per input) and seeded
 * buckets (see the embedded environment's SeededBucketCache: one upload per
 * corpus). Removed when the run ends; a directory already given in the
 * variable is used as it is and kept. It also starts compiling the CLI the
 * pipeline's child processes run (see env-kit's compiled-cli.ts), in the
 * background: children started before it is ready use the sources through tsx.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEEDED_BUCKET_CACHE_VARIABLE } from "../../embedded/index.ts";
import { PIPELINE_CLI_VARIABLE, startCliCompile } from "../../env-kit/index.ts";
import { GOLDEN_CACHE_VARIABLE } from "../golden-output.ts";

const CACHES = { [GOLDEN_CACHE_VARIABLE]: "golden", [SEEDED_BUCKET_CACHE_VARIABLE]: "seeded-buckets" };

export default async function setup(): Promise<() => Promise<void>> {
  const { done: compiled } = await startCompilingCli();
  const missing = Object.entries(CACHES).filter(([variable]) => !process.env[variable]?.trim());
  if (missing.length === 0) return () => compiled;
  const directory = await mkdtemp(join(tmpdir(), "chaos-run-cache-"));
  for (const [variable, name] of missing) process.env[variable] = join(directory, name);
  return async () => {
    await compiled;
    for (const [variable] of missing) delete process.env[variable];
    await rm(directory, { recursive: true, force: true });
  };
}

/**
 * Names the compiled CLI for every worker before any starts (it is used from the moment the compile ends);
 * resolves to the compile's end. A failed compile is reported, not fatal.
 */
async function startCompilingCli(): Promise<{ done: Promise<void> }> {
  if (process.env[PIPELINE_CLI_VARIABLE]?.trim()) return { done: Promise.resolve() };
  try {
    const { cli, done } = await startCliCompile();
    process.env[PIPELINE_CLI_VARIABLE] = cli;
    return { done: done.catch(warnCompileFailed) };
  } catch (error) {
    warnCompileFailed(error);
    return { done: Promise.resolve() };
  }
}

function warnCompileFailed(error: unknown): void {
  console.warn(`note: the pipeline's child processes run through tsx: ${error instanceof Error ? error.message : String(error)}`);
}
