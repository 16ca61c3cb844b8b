import type { PipelineShard, SystemUnderTest } from "../core/index.ts";

/**
 * How the experiment's pipeline is run: one process for everything, or each
 * of the system's sharded stages as `shards` processes at once, one stage
 * after the other (what Kubernetes Indexed Jobs do with one Job per stage).
 */
export interface PipelineLayout {
  /** The stages, in order, each as the shards of its processes; one stage of one unsharded process when not sharded. */
  readonly stages: readonly (readonly (PipelineShard | undefined)[])[];
  /** Processes per stage. */
  readonly shards: number;
}

/** A process of a sharded stage, as faults and triggers name it: `{ stage: "similarity", shard: 1 }`. */
export interface ShardTarget {
  readonly stage: string;
  /** Its index, from 0. */
  readonly shard: number;
}

/** One process does everything. */
export const SINGLE_PROCESS: PipelineLayout = { stages: [[undefined]], shards: 1 };

/** The layout `shards` asks of `system`; the error names `pipeline.shards` when it cannot be run that way. */
export function pipelineLayout(system: Pick<SystemUnderTest, "name" | "shardedStages">, shards: number | undefined): PipelineLayout {
  if (shards === undefined || shards === 1) return SINGLE_PROCESS;
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`pipeline.shards must be an integer >= 1, got ${String(shards)}`);
  const stages = system.shardedStages ?? [];
  if (stages.length === 0) throw new Error(`pipeline.shards is ${shards}, but ${system.name} declares no sharded stages: it runs as one process only`);
  return {
    stages: stages.map((stage) => Array.from({ length: shards }, (_, index) => ({ stage, index, count: shards }))),
    shards,
  };
}

/** "similarity shard 1 of 2", or "the pipeline" for an unsharded process. */
export function describeShard(shard: PipelineShard | undefined): string {
  return shard ? `${shard.stage} shard ${shard.index} of ${shard.count}` : "the pipeline";
}

export function isShard(shard: PipelineShard | undefined, target: ShardTarget): boolean {
  return shard?.stage === target.stage && shard.index === target.shard;
}
