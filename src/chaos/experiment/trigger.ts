import pg from "pg";
import { setTimeout as sleep } from "node:timers/promises";
import type { PipelineProgress } from "../core/index.ts";
import type { ShardTarget } from "./pipeline-layout.ts";
import type { PipelineSupervisor } from "./pipeline-supervisor.ts";
import type { ProgressTracker } from "./progress-tracker.ts";

/** What a trigger can watch while it waits for its moment. */
export interface TriggerContext {
  /** Monotonic time (performance.now()) the experiment's pipeline was launched. */
  launchedAt: number;
  progress: ProgressTracker;
  /** The experiment's pipeline, whose processes can be read one by one (a sharded run's). */
  pipeline: Pick<PipelineSupervisor, "progressOf">;
  /** Direct connection string of the experiment's database. */
  databaseUrl: string;
  signal: AbortSignal;
}

/** When a fault of the method is injected. */
export interface Trigger {
  /** For journals: "after 1000 ms", "when a COPY is in flight". */
  readonly description: string;
  /** Resolves when it is time, with evidence of the moment (merged into the fault's observations). */
  wait(context: TriggerContext): Promise<Record<string, unknown>>;
}

/** `ms` after the pipeline was launched. */
export function afterMs(ms: number): Trigger {
  return {
    description: `${ms} ms after the pipeline started`,
    async wait({ launchedAt, signal }) {
      await sleep(Math.max(0, launchedAt + ms - performance.now()), undefined, { signal });
      return {};
    },
  };
}

/** Once at least `fraction` of the input objects are committed. */
export function afterProgress(fraction: number): Trigger {
  return {
    description: `once ${Math.round(fraction * 100)}% of the objects are committed`,
    async wait({ progress, signal }) {
      const needed = Math.ceil(fraction * progress.inputObjects);
      while (progress.latest.objectsDone < needed) await sleep(20, undefined, { signal });
      return { objectsDoneAtTrigger: progress.latest.objectsDone };
    },
  };
}

/** How often {@link afterShardProgress} reads its shard's counters: a stage of a small corpus lasts well under a second. */
const SHARD_POLL_MS = 5;

/**
 * Once the running process of one shard has committed at least `atLeast` of
 * its own counters (read from it every few ms), e.g. `afterShardProgress({
 * stage: "similarity", shard: 1 }, { pairsWritten: 10 })`: its first batches
 * are in. Waits for the shard's stage to begin.
 */
export function afterShardProgress(target: ShardTarget, atLeast: Partial<PipelineProgress>): Trigger {
  const wanted = Object.entries(atLeast) as [keyof PipelineProgress, number][];
  const counts = wanted.map(([counter, value]) => `${value} ${counter}`).join(", ");
  return {
    description: `once ${target.stage} shard ${target.shard} has committed ${counts}`,
    async wait({ pipeline, signal }) {
      for (;;) {
        const progress = await pipeline.progressOf(target);
        if (progress && wanted.every(([counter, value]) => progress[counter] >= value)) return { shardProgressAtTrigger: progress };
        await sleep(SHARD_POLL_MS, undefined, { signal });
      }
    },
  };
}

/**
 * While a statement matching `pattern` runs in the experiment's database
 * (polled in pg_stat_activity every few ms), e.g. `/^COPY/i` for mid-COPY.
 */
export function whileStatementRuns(pattern: RegExp, label = pattern.source): Trigger {
  return {
    description: `while a ${label} statement is in flight`,
    async wait({ databaseUrl, signal }) {
      const client = new pg.Client({ connectionString: databaseUrl });
      client.on("error", () => undefined);
      await client.connect();
      try {
        const database = client.database;
        for (;;) {
          signal.throwIfAborted();
          const { rows } = await client.query<{ query: string; pid: number }>(
            "SELECT pid, query FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()",
            [database],
          );
          const hit = rows.find((row) => pattern.test(row.query.trimStart()));
          if (hit) return { statementInFlight: hit.query.trim().slice(0, 120), statementBackendPid: hit.pid, statementSeenAt: performance.now() };
          await sleep(2);
        }
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** Right when the pipeline is launched. */
export const atLaunch: Trigger = { description: "when the pipeline starts", wait: async () => ({}) };
