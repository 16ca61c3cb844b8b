import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EnvironmentKind, SeedObject, SystemSnapshot, SystemUnderTest } from "../core/index.ts";
import { scaleSystem } from "../systems/index.ts";
import type { Baseline } from "./baseline-run.ts";
import type { ExperimentDefinition } from "./experiment-definition.ts";

/** Set by the test run (vitest's global setup): a directory where golden outputs are kept for the length of the run. */
export const GOLDEN_CACHE_VARIABLE = "CHAOS_GOLDEN_CACHE_DIR";

/** What a fault-free run of a corpus produced: its output as the system's oracle reads it, and its throughput. */
export interface GoldenOutput {
  snapshot: SystemSnapshot;
  baseline: Baseline;
}

/**
 * The content key of a golden run: the corpus (keys and bytes), how the
 * system runs (its options change its throughput), the environment kind
 * and the system's fingerprint (its code), so any change to the code under
 * test (a fix, a seeded bug) computes the golden output afresh.
 */
export async function goldenKey(
  corpus: readonly SeedObject[],
  pipeline: ExperimentDefinition["pipeline"],
  environment: EnvironmentKind,
  system: SystemUnderTest = scaleSystem,
): Promise<string> {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ system: system.name, pipeline: pipeline ?? {}, environment, node: process.versions.node }));
  hash.update(await system.fingerprint());
  for (const object of [...corpus].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    hash.update(`\0${object.key}\0${object.body.length}\0`);
    hash.update(object.body);
  }
  return hash.digest("hex");
}

/** The bucket prefix of a corpus: the same content lands under the same keys, so a golden output's filenames match any run of it. */
export function corpusPrefix(key: string): string {
  return `corpus-${key.slice(0, 16)}/`;
}

/**
 * Golden outputs by content key, in a directory that lives as long as the
 * test run; every scenario and exploration run of the same input reuses the
 * first one's instead of running the pipeline fault-free again.
 */
export class GoldenOutputCache {
  constructor(readonly directory: string) {}

  /** The cache of this test run, or undefined outside one (every experiment then runs its own golden run). */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): GoldenOutputCache | undefined {
    const directory = env[GOLDEN_CACHE_VARIABLE]?.trim();
    return directory ? new GoldenOutputCache(directory) : undefined;
  }

  async get(key: string): Promise<GoldenOutput | undefined> {
    try {
      return JSON.parse(await readFile(this.path(key), "utf8")) as GoldenOutput;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async put(key: string, output: GoldenOutput): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const temporary = `${this.path(key)}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(output));
    await rename(temporary, this.path(key));
  }

  private path(key: string): string {
    return join(this.directory, `${key}.json`);
  }
}
