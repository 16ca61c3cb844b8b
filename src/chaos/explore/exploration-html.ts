/** The matrix as a standalone HTML page (`explore.html`): every cell a coloured mark whose tooltip is its verdict, and the red cells listed with their reasons. */
import { escapeHtml } from "../report/index.ts";
import type { CellResult } from "./cell-run.ts";
import type { ExplorationResult } from "./exploration.ts";
import { explorationTotals, KIND_COLUMNS } from "./exploration-matrix.ts";
import { FAULT_KINDS, OCCURRENCE_LABELS } from "./fault-point.ts";

export function explorationHtml(result: ExplorationResult): string {
  const totals = explorationTotals(result);
  const points = [...new Set(result.cells.map((cell) => cell.point))];
  const kinds = FAULT_KINDS.filter((kind) => result.cells.some((cell) => cell.kind === kind));
  const rows = points.map((point) => {
    const columns = kinds.map((kind) => {
      const cells = result.cells
        .filter((cell) => cell.point === point && cell.kind === kind)
        .sort((a, b) => OCCURRENCE_LABELS.indexOf(a.occurrence) - OCCURRENCE_LABELS.indexOf(b.occurrence));
      return `<td>${cells.map(mark).join("") || `<span class="none">·</span>`}</td>`;
    });
    return `<tr><th scope="row">${escapeHtml(point)}</th>${columns.join("")}</tr>`;
  });
  const red = result.cells.filter((cell) => !cell.verdict.green);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chaos Control: fault-space exploration</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left}
th[scope=row]{font:12px ui-monospace,monospace;font-weight:normal}.green{color:#1a7f37}.red{color:#cf222e;font-weight:bold}.none{color:#aaa}
.mark{cursor:help;margin-right:.2em}li{margin:.3em 0}code{font-size:12px}
</style></head><body>
<h1>Fault-space exploration</h1>
<p>${escapeHtml(`${result.selection} selection${result.filters.length ? ` (filter: ${result.filters.join(", ")})` : ""} of ${result.plannedCells} planned cells over ${result.points.length} fault points, ${result.corpusObjects} songs; started ${result.startedAt}, took ${(result.durationMs / 1000).toFixed(1)} s.`)}</p>
<p><strong>${totals.cells} cells: <span class="green">${totals.green} green</span>, <span class="${totals.red ? "red" : "green"}">${totals.red} red</span> (${totals.notReached} not reached); ${totals.pointsReached}/${totals.pointsRun} points reached.</strong> Each mark is one occurrence run (first, middle, last); hover for its verdict.</p>
<table><thead><tr><th>fault point</th>${kinds.map((kind) => `<th>${escapeHtml(KIND_COLUMNS[kind])}</th>`).join("")}</tr></thead>
<tbody>${rows.join("\n")}</tbody></table>
${red.length ? `<h2>Red cells</h2><ul>${red.map((cell) => `<li><code>${escapeHtml(cell.name)}</code>: ${escapeHtml(`${cell.verdict.kind}: ${cell.verdict.reason}`)}</li>`).join("\n")}</ul>` : ""}
</body></html>
`;
}

function mark(cell: CellResult): string {
  const title = `${cell.occurrence} (reach ${cell.nth}): ${cell.verdict.kind}: ${cell.verdict.reason}`;
  return `<span class="mark ${cell.verdict.green ? "green" : "red"}" title="${escapeHtml(title)}">${cell.verdict.green ? "✓" : "✗"}</span>`;
}
