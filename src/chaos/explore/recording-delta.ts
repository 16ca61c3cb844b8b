/** What one run added to the fault proxies' cumulative recordings: the environment is shared by every run of an exploration. */
import type { S3ProxyRecording } from "../faults/index.ts";
import type { ProxyRecording } from "../postgres-proxy/index.ts";
import type { ExplorationRecording } from "./exploration-plan.ts";

export function recordingDelta(before: ExplorationRecording, after: ExplorationRecording): ExplorationRecording {
  return { postgres: postgresDelta(before.postgres, after.postgres), s3: s3Delta(before.s3, after.s3) };
}

function postgresDelta(before: ProxyRecording, after: ProxyRecording): ProxyRecording {
  const earlier = new Map(before.statements.map((each) => [each.statement, each.count]));
  return {
    connects: after.connects - before.connects,
    begins: after.begins - before.begins,
    commits: after.commits - before.commits,
    rollbacks: after.rollbacks - before.rollbacks,
    copies: countsDelta(before.copies, after.copies) as Record<string, number>,
    statements: after.statements.map((each) => ({ ...each, count: each.count - (earlier.get(each.statement) ?? 0) })).filter((each) => each.count > 0),
  };
}

function s3Delta(before: S3ProxyRecording, after: S3ProxyRecording): S3ProxyRecording {
  return { requests: after.requests - before.requests, operations: countsDelta(before.operations, after.operations) };
}

function countsDelta<K extends string>(before: Partial<Record<K, number>>, after: Partial<Record<K, number>>): Partial<Record<K, number>> {
  const delta: Partial<Record<K, number>> = {};
  for (const [key, count] of Object.entries(after) as [K, number][]) {
    const added = count - (before[key] ?? 0);
    if (added > 0) delta[key] = added;
  }
  return delta;
}
