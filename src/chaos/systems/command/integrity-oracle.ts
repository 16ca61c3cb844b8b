import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import type { IntegrityOracle, IntegrityVerdict } from "../../core/index.ts";

const LISTED = 10;
const ORACLE_TIMEOUT_MS = 60_000;

/** What an oracle read from one run's database: per SQL query (or the command, as "output"), its rows as JSON text, in order. */
export type OracleSnapshot = Record<string, string[]>;

/**
 * Reads a run's output as the oracle sees it. SQL: each query's rows as
 * JSON arrays. Command: its standard output's lines, run with the run's
 * database in `DATABASE_URL` (in its environment, never its arguments).
 */
export async function readOutput(oracle: IntegrityOracle, databaseUrl: string): Promise<OracleSnapshot> {
  if (oracle.kind === "command") {
    const { stdout } = await promisify(execFile)(oracle.command, [...(oracle.args ?? [])], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      timeout: ORACLE_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { output: stdout.split("\n").filter((line) => line !== "") };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const snapshot: OracleSnapshot = {};
    for (const [name, text] of Object.entries(oracle.queries)) {
      const { rows } = await client.query({ text, rowMode: "array" });
      snapshot[name] = (rows as unknown[][]).map((row) => JSON.stringify(row));
    }
    return snapshot;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Compares a run's output with the golden run's, row by row: a row's first
 * column is its key (SQL), or the whole line (command). Lost, extra,
 * duplicated and changed rows are named; the counts reuse the journal's
 * fields (`goldenInstruments`/`instruments` hold the rows of every query).
 */
export function judgeOutput(golden: OracleSnapshot, actual: OracleSnapshot, workUnits: number): IntegrityVerdict {
  const lost: string[] = [];
  const extra: string[] = [];
  const duplicated: string[] = [];
  const mismatched: string[] = [];
  for (const name of new Set([...Object.keys(golden), ...Object.keys(actual)])) {
    const expected = new Map((golden[name] ?? []).map((row) => [keyOf(row), row]));
    const seen = new Map<string, number>();
    for (const row of actual[name] ?? []) {
      const key = keyOf(row);
      const times = (seen.get(key) ?? 0) + 1;
      seen.set(key, times);
      if (times === 2) duplicated.push(`${name} ${key}`);
      if (times > 1) continue;
      const value = expected.get(key);
      if (value === undefined) extra.push(`${name} ${key}`);
      else if (value !== row) mismatched.push(`${name} ${key}: ${row} instead of ${value}`);
    }
    for (const key of expected.keys()) if (!seen.has(key)) lost.push(`${name} ${key}`);
  }
  const goldenRows = Object.values(golden).reduce((sum, rows) => sum + rows.length, 0);
  const rows = Object.values(actual).reduce((sum, rows) => sum + rows.length, 0);
  const problems = [
    [lost.length, "lost"],
    [extra.length, "extra"],
    [duplicated.length, "duplicated"],
    [mismatched.length, "with different values"],
  ]
    .filter(([count]) => count !== 0)
    .map(([count, what]) => `${count} ${count === 1 ? "row" : "rows"} ${what}`);
  const first = [...lost, ...extra, ...duplicated, ...mismatched][0];
  return {
    ok: problems.length === 0,
    summary:
      problems.length === 0 ? `identical to the golden run: ${rows} rows of ${Object.keys(golden).join(", ")}` : `${problems.join(", ")} (e.g. ${first})`,
    counts: { goldenInstruments: goldenRows, instruments: rows, goldenPairs: 0, pairs: 0, quarantined: 0, inputObjects: workUnits },
    lost: lost.slice(0, LISTED),
    lostCount: lost.length,
    extra: extra.slice(0, LISTED),
    extraCount: extra.length,
    duplicated: duplicated.slice(0, LISTED),
    duplicatedCount: duplicated.length,
    mismatched: mismatched.slice(0, LISTED),
    mismatchedCount: mismatched.length,
    unaccounted: [],
    quarantine: [],
  };
}

function keyOf(row: string): string {
  if (!row.startsWith("[")) return row;
  return JSON.stringify((JSON.parse(row) as unknown[])[0]);
}
