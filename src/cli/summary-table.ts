import type { PipelineSummary } from "../pipeline/index.ts";

/** A run's summary as an aligned two-column table for people. */
export function formatSummary(summary: PipelineSummary): string {
  const rows: Array<[string, string]> = [["run", summary.runId]];
  const extraction = summary.extraction;
  if (extraction) {
    rows.push(
      ["objects listed", String(extraction.objectsListed)],
      ["  already recorded (skipped)", String(extraction.objectsSkipped)],
      ["  written", String(extraction.objectsWritten)],
      ["  quarantined", String(extraction.objectsQuarantined)],
      ...Object.entries(extraction.quarantinedByReason)
        .sort(([, a], [, b]) => b - a)
        .map(([reason, count]): [string, string] => [`    ${reason}`, String(count)]),
      ["instrument rows written", String(extraction.instrumentRows)],
    );
  }
  const similarity = summary.similarity;
  if (similarity) {
    if (similarity.shard.count > 1) rows.push(["similarity shard", `${similarity.shard.index} of ${similarity.shard.count}`]);
    rows.push(
      ["songs compared", String(similarity.songs)],
      ["similar pairs written", similarity.upToDate ? "0 (already up to date)" : String(similarity.pairsWritten)],
    );
    if (similarity.resumedAfterBatch > 0 && !similarity.upToDate) rows.push(["  resumed after batch", String(similarity.resumedAfterBatch)]);
  }
  rows.push(["duration", `${(summary.durationMs / 1000).toFixed(2)} s`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return `\nScale pipeline summary\n${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join("\n")}\n`;
}
