/**
 * Vitest global setup: the caches that live as long as one test run, so
 * scenarios and exploration runs of the same input share work — golden
 * outputs (see golden-output.ts: one fault-free run per input), seeded
 * buckets (see env-kit's SeededBucketCache: one upload per corpus, on the
 * embedded and the containers environments) and Postgres template clusters (see its PostgresTemplates: one
 * initdb per run). Removed when the run ends; a directory already given in the
 * variable is used as it is and kept. It also starts compiling the CLI the
 * pipeline's child processes run (see env-kit's compiled-cli.ts), in the
 * background: children started before it is ready use the sources through tsx.
 * And it moves the run's temporary files to memory (memory-temp-dir.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { POSTGRES_TEMPLATE_VARIABLE } from "../../embedded/index.ts";
import { SEEDED_BUCKET_CACHE_VARIABLE, useCompiledPipelineCli } from "../../env-kit/index.ts";
import { GOLDEN_CACHE_VARIABLE } from "../golden-output.ts";
import { useMemoryTempDir } from "./memory-temp-dir.ts";

const CACHES = {
  [GOLDEN_CACHE_VARIABLE]: "golden",
  [SEEDED_BUCKET_CACHE_VARIABLE]: "seeded-buckets",
  [POSTGRES_TEMPLATE_VARIABLE]: "postgres-templates",
};

export default async function setup(): Promise<() => Promise<void>> {
  // First: the caches below and everything the tests create go under TMPDIR.
  const undoTempDir = await useMemoryTempDir();
  // Named before any worker starts, so every one of them finds it.
  const { done: compiled } = await useCompiledPipelineCli();
  const missing = Object.entries(CACHES).filter(([variable]) => !process.env[variable]?.trim());
  const directory = missing.length > 0 ? await mkdtemp(join(tmpdir(), "chaos-run-cache-")) : undefined;
  for (const [variable, name] of missing) process.env[variable] = join(directory!, name);
  return async () => {
    await compiled;
    for (const [variable] of missing) delete process.env[variable];
    if (directory) await rm(directory, { recursive: true, force: true });
    await undoTempDir();
  };
}
