/** Values COPY ... (FORMAT csv) accepts: strings are always quoted, so empty strings and NULL stay distinct. */
export type CsvValue = string | number | boolean | null;

/** One CSV line for PostgreSQL COPY, quoting every string (quotes doubled) so any key round-trips. */
export function csvLine(values: readonly CsvValue[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ",";
    const value = values[i];
    if (value === null || value === undefined) continue;
    if (typeof value === "string") line += `"${value.replaceAll('"', '""')}"`;
    else if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new Error(`cannot write non-finite number ${value} to COPY`);
      line += String(value);
    } else line += value ? "t" : "f";
  }
  return `${line}\n`;
}
