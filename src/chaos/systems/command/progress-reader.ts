import pg from "pg";
import type { PipelineProgress, ProgressReading } from "../../core/index.ts";
import { sumOfMetric } from "../../env-kit/index.ts";

/** How long one progress reading may take before it counts as unreachable. */
const READ_TIMEOUT_MS = 1_000;

/** Reads a running system's progress counters; closed when its process ends. */
export interface ProgressReader {
  read(): Promise<PipelineProgress>;
  close(): Promise<void>;
}

/**
 * A reader for `reading`: SQL on the run's database (`databaseUrl`, direct,
 * so no fault of the method touches the reading itself), or the system's
 * own endpoint on `port` (Prometheus text or JSON). Only `done` and
 * `retries` are read; the other counters stay 0.
 */
export function progressReader(reading: ProgressReading, endpoint: { databaseUrl: string; port: number | undefined }): ProgressReader {
  if (reading.kind === "sql") return sqlReader(reading, endpoint.databaseUrl);
  const url = `http://127.0.0.1:${endpoint.port}${reading.path ?? (reading.kind === "prometheus" ? "/metrics" : "/progress")}`;
  return {
    read: async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`progress endpoint answered ${response.status}`);
      if (reading.kind === "prometheus") {
        const text = await response.text();
        return progress(sumOfMetric(text, reading.done), reading.retries === undefined ? 0 : sumOfMetric(text, reading.retries));
      }
      const body = (await response.json()) as Record<string, unknown>;
      return progress(numberField(body, reading.done), reading.retries === undefined ? 0 : numberField(body, reading.retries));
    },
    close: async () => undefined,
  };
}

function sqlReader(reading: Extract<ProgressReading, { kind: "sql" }>, databaseUrl: string): ProgressReader {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: READ_TIMEOUT_MS, query_timeout: READ_TIMEOUT_MS });
  pool.on("error", () => undefined);
  const scalar = async (query: string) => {
    const { rows } = await pool.query({ text: query, rowMode: "array" });
    const cell = (rows[0] as unknown[] | undefined)?.[0];
    // Number(null) is 0: a NULL (sum() of no rows, a missing counter) must not read as progress.
    const value = cell === null || cell === undefined || cell === "" ? Number.NaN : Number(cell);
    if (!Number.isFinite(value)) throw new Error(`progress query "${query}" returned no number`);
    return value;
  };
  return {
    read: async () => progress(await scalar(reading.done), reading.retries === undefined ? 0 : await scalar(reading.retries)),
    close: () => pool.end().catch(() => undefined),
  };
}

function numberField(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`progress document has no number field "${field}"`);
  return value;
}

function progress(done: number, retries: number): PipelineProgress {
  return { objectsDone: done, retries, pairsWritten: 0, quarantined: 0 };
}
