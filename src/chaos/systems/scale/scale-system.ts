import { fileURLToPath } from "node:url";
import type { AttachedSystem, ChaosEnvironment, DependencyFaults, SystemUnderTest } from "../../core/index.ts";
import { snapshotTables, type TableSnapshot } from "../../integrity/index.ts";
import { sourceFingerprint } from "../source-fingerprint.ts";
import { checkIntegrity } from "./integrity-check.ts";

const PIPELINE_SOURCES = fileURLToPath(new URL("../../../pipeline/", import.meta.url));
let pipelineCodeHash: Promise<string> | undefined;

/**
 * Scale, the bundled pipeline: MIDI files in the environment's bucket →
 * instruments → MinHash similarity → Postgres. Each environment launches it
 * its own way (`launchPipeline`: a child process, a container, a Kubernetes
 * Job); its progress is its Prometheus metrics; its integrity oracle compares
 * its three tables row by row with the golden run's and accounts for every
 * input object. The default system of every experiment.
 */
export const scaleSystem: SystemUnderTest = {
  name: "scale",
  launch: { kind: "command", command: "chaos-control", args: ["pipeline"] },
  dependencies: [
    { name: "postgres", protocol: "postgres", env: "DATABASE_URL" },
    { name: "s3", protocol: "s3", env: "S3_ENDPOINT" },
  ],
  workUnits: (corpus) => corpus.length,
  // Similarity compares the songs of every extraction shard: it runs once all of them are done.
  shardedStages: ["extract", "similarity"],
  fingerprint: () => (pipelineCodeHash ??= sourceFingerprint([PIPELINE_SOURCES])),
  attach: async (env) => attachScale(env),
};

function attachScale(env: ChaosEnvironment): AttachedSystem {
  return {
    start: (request) => env.launchPipeline(request),
    snapshot: (database) => snapshotTables(database.url),
    judge: async (golden, actual, inputKeys) => checkIntegrity(golden as TableSnapshot, actual as TableSnapshot, inputKeys),
    quarantined: async (database) => (await snapshotTables(database.url)).quarantined.map(({ key, stage, reason }) => ({ key, stage, reason })),
    dependencies: NO_OWN_DEPENDENCIES,
    addressOf: () => undefined,
    [Symbol.asyncDispose]: async () => undefined,
  };
}

const NO_OWN_DEPENDENCIES: DependencyFaults = {
  toxic: (dependency) => Promise.reject(noOwnDependency(dependency)),
  partition: (dependency) => Promise.reject(noOwnDependency(dependency)),
};

function noOwnDependency(dependency: string): Error {
  return new Error(
    `scale has no dependency of its own named "${dependency}": fault its Postgres and S3 through the fault library (faults.toxic("postgres", …))`,
  );
}
