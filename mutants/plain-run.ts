import { join } from "node:path";
import { runChild } from "./child-run.ts";

/** What a fault-free run of the bundled corpus produced, without what differs from run to run (run id, duration). */
export interface PlainRunResult {
  ok: boolean;
  /** The summary's counts (objects written, quarantined by reason, instrument rows, songs, pairs), as canonical JSON. */
  counts?: string;
  message?: string;
  durationMs: number;
}

const PLAIN_RUN_TIMEOUT_MS = 5 * 60_000;

/**
 * The plain golden run: `chaos-control pipeline --embedded --json` in the copy
 * at `root` (its own Postgres and S3 server, the bundled corpus of real,
 * synthetic and corrupt files). A seeded bug must leave these counts equal to
 * the unmodified pipeline's, or it is not a resilience bug but a broken pipeline.
 */
export async function plainRun(root: string, signal?: AbortSignal): Promise<PlainRunResult> {
  const exit = await runChild(process.execPath, ["bin/chaos-control.mjs", "pipeline", "--embedded", "--json"], {
    cwd: root,
    env: { ...process.env, FORCE_COLOR: "0" },
    logPath: join(root, "plain-run.log"),
    timeoutMs: PLAIN_RUN_TIMEOUT_MS,
    signal,
  });
  if (exit.exitCode !== 0) return { ok: false, message: `plain run exited ${exit.exitCode ?? exit.signal}`, durationMs: exit.durationMs };
  try {
    return { ok: true, counts: summaryCounts(JSON.parse(exit.stdout)), durationMs: exit.durationMs };
  } catch (error) {
    return { ok: false, message: `plain run printed no summary: ${(error as Error).message}`, durationMs: exit.durationMs };
  }
}

/** The counts of a `--json` summary as canonical JSON (keys sorted), so two runs compare as strings. */
export function summaryCounts(summary: { extraction?: Record<string, unknown>; similarity?: Record<string, unknown> }): string {
  const { extraction, similarity } = summary;
  if (!extraction || !similarity) throw new Error("the summary lacks a stage");
  return canonicalJson({
    extraction,
    similarity: {
      songs: similarity.songs,
      pairsWritten: similarity.pairsWritten,
      resumedAfterBatch: similarity.resumedAfterBatch,
      upToDate: similarity.upToDate,
    },
  });
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
