import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import type { IntegrityOracle, IntegrityVerdict } from "../../core/index.ts";
import { compareRows, concatDifferences, integrityVerdict } from "../row-differences.ts";

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
 * duplicated and changed rows are named `<query> <key>`; rows are counted
 * per query name (a command's lines as "output").
 */
export function judgeOutput(golden: OracleSnapshot, actual: OracleSnapshot, workUnits: number): IntegrityVerdict {
  const names = [...new Set([...Object.keys(golden), ...Object.keys(actual)])];
  const differences = names.map((name) =>
    compareRows(
      golden[name] ?? [],
      actual[name] ?? [],
      (row) => `${name} ${keyOf(row)}`,
      (row) => row,
    ),
  );
  const rows = Object.fromEntries(names.map((name) => [name, { golden: golden[name]?.length ?? 0, experiment: actual[name]?.length ?? 0 }]));
  const total = Object.values(actual).reduce((sum, lines) => sum + lines.length, 0);
  return integrityVerdict({
    differences: concatDifferences(differences),
    counts: { rows, inputObjects: workUnits },
    intact: `identical to the golden run: ${total} rows of ${Object.keys(golden).join(", ")}`,
  });
}

function keyOf(row: string): string {
  if (!row.startsWith("[")) return row;
  return JSON.stringify((JSON.parse(row) as unknown[])[0]);
}
