/**
 * Vitest global setup: one golden-output cache for the whole test run (see
 * golden-output.ts), so scenarios and exploration runs of the same input
 * share one fault-free run. Removed when the run ends; a directory already
 * given in CHAOS_GOLDEN_CACHE_DIR is used as it is and kept.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GOLDEN_CACHE_VARIABLE } from "../golden-output.ts";

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env[GOLDEN_CACHE_VARIABLE]?.trim()) return async () => undefined;
  const directory = await mkdtemp(join(tmpdir(), "chaos-golden-"));
  process.env[GOLDEN_CACHE_VARIABLE] = directory;
  return async () => {
    delete process.env[GOLDEN_CACHE_VARIABLE];
    await rm(directory, { recursive: true, force: true });
  };
}
