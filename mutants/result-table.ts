import type { MutantResult } from "./mutant-result.ts";

const MAX_TEST_CHARS = 90;

/** The runner's summary: one line per mutant with its kind, verdict, the first test that caught it, the test expected to (when another or none did), and the time. */
export function formatTable(results: readonly MutantResult[]): string {
  const rows = results.map((result) => [
    result.id,
    result.kind,
    result.status === "caught" ? "yes" : result.status === "survived" ? "NO" : result.status,
    shorten(result.caughtBy[0] ?? result.message ?? "", MAX_TEST_CHARS),
    result.asExpected ? "as expected" : shorten(result.expected ?? "", MAX_TEST_CHARS),
    `${Math.round(result.durationMs / 1000)} s`,
  ]);
  const header = ["mutant", "kind", "caught?", "by", "expected", "time"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  const caught = results.filter((result) => result.status === "caught").length;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line), "", `${caught} of ${results.length} caught`].join("\n");
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
