import pg from "pg";
import { checkExpectation, describeExpectation, satisfies, type ValueExpectation } from "./probe-comparison.ts";
import { describeError, genericProbe, timeoutOf, type GenericProbeOptions } from "./generic-probe.ts";
import type { Probe, ProbeContext } from "./probe.ts";

/** Options of {@link sqlProbe}; plain data except a function `url` or `expect`. */
export interface SqlProbeOptions extends GenericProbeOptions {
  /** A PostgreSQL connection URL, or a function giving it when sampled. It holds a password: it never appears in reports or errors. */
  url: string | ((context: ProbeContext) => string);
  /** Returns one row of one column, a number (or a numeric string, or a boolean: 1/0). */
  query: string;
  expect: ValueExpectation;
  /** Unit of the value in reports (default "value"). */
  unit?: string;
}

/**
 * Runs `query` on its own connection per sample and compares its single
 * value. No row, several, NULL or a non-number is a failed sample saying so.
 */
export function sqlProbe(options: SqlProbeOptions): Probe {
  const field = `sqlProbe "${options?.name}"`;
  if (typeof options.query !== "string" || options.query.trim() === "") throw new Error(`${field}: query is required`);
  if (typeof options.url !== "string" && typeof options.url !== "function")
    throw new Error(`${field}: url is required (a postgres:// URL or a function giving one)`);
  const expect = checkExpectation(options.expect, `${field}: expect`);
  const timeoutMs = timeoutOf(options, "sqlProbe");
  const unit = options.unit ?? "value";
  const query = options.query.replace(/\s+/g, " ").trim();
  return genericProbe(options, {
    kind: "sqlProbe",
    unit,
    tolerance: `${query} returns ${describeExpectation(expect, unit === "value" ? "" : unit)}`,
    measure: async (context) => {
      const url = typeof options.url === "function" ? options.url(context) : options.url;
      return singleValue(await queryOnce(url, options.query, timeoutMs));
    },
    accepts: (value) => satisfies(value, expect),
  });
}

async function queryOnce(connectionString: string, query: string, timeoutMs: number): Promise<pg.QueryResult> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    application_name: "chaos-control probe",
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return await client.query({ text: query, rowMode: "array" });
  } catch (error) {
    throw new Error(`the query failed: ${describeError(error)}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}

function singleValue(result: pg.QueryResult): number {
  if (result.rows.length !== 1 || result.fields.length !== 1) {
    throw new Error(`the query returned ${result.rows.length} row(s) of ${result.fields.length} column(s); a probe needs exactly one value`);
  }
  const value: unknown = (result.rows[0] as unknown[])[0];
  if (value === null) throw new Error("the query returned NULL");
  if (typeof value === "boolean") return value ? 1 : 0;
  const number = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(number)) throw new Error(`the query returned ${JSON.stringify(value)}, not a number`);
  return number;
}
