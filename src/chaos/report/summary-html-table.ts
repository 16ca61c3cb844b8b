import type { Journal } from "../core/index.ts";
import { html, type Html } from "./html-escape.ts";
import { formatMs, formatRecoveryAgainstBudget, formatThroughputDip, recoveryVerdict, verdictOutcome } from "./report-format.ts";
import { formatTotals, reportTotals } from "./report-totals.ts";
import { scenarioAnchor, statusClass } from "./scenario-section.ts";

/** The report's top table: one row per scenario, linking to its section, and a totals line. */
export function renderSummaryHtmlTable(journals: readonly Journal[]): Html {
  if (journals.length === 0) return html`<p class="muted empty">No experiment journals were found.</p>`;
  return html`<table class="summary">
<thead><tr><th>scenario</th><th>cause</th><th>status</th><th>recovery / budget</th><th>detection</th><th>throughput dip</th><th>integrity</th></tr></thead>
<tbody>
${journals.map((journal, index) => {
  const verdict = recoveryVerdict(journal);
  const integrity = journal.integrity;
  return html`<tr>
<td><a href="#${scenarioAnchor(journal, index)}">${journal.title || journal.id}</a><br><code class="muted">${journal.id}</code></td>
<td>${journal.cause}</td>
<td><span class="badge ${statusClass(journal.status)}">${journal.status}</span></td>
<td class="num ${verdictOutcome(verdict)}">${formatRecoveryAgainstBudget(verdict)}${verdict.kind === "never-recovered" ? " (never recovered)" : ""}</td>
<td class="num">${formatMs(journal.figures.detectionMs)}</td>
<td class="num">${formatThroughputDip(journal)}</td>
<td class="${integrity === null ? "none" : integrity.ok ? "pass" : "fail"}">${integrity === null ? "not checked" : integrity.summary}</td>
</tr>`;
})}
</tbody>
<tfoot><tr><td colspan="7">${formatTotals(reportTotals(journals))}</td></tr></tfoot>
</table>`;
}
