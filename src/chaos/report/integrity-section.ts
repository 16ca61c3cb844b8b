import type { IntegrityVerdict } from "../core/index.ts";
import { html, type Html } from "./html-escape.ts";
import { formatNumber } from "./report-format.ts";

/** The integrity verdict: headline, each table's rows against the golden run's, and the differing rows. */
export function renderIntegritySection(integrity: IntegrityVerdict | null): Html {
  if (integrity === null) {
    return html`<p class="muted">Integrity was not checked (the experiment did not get that far, or it has no golden output).</p>`;
  }
  const { counts } = integrity;
  return html`<p class="verdict ${integrity.ok ? "pass" : "fail"}"><span class="badge ${integrity.ok ? "pass" : "fail"}">${integrity.ok ? "intact" : "differs"}</span> ${integrity.summary}</p>
<table class="counts">
<thead><tr><th></th><th>golden</th><th>experiment</th></tr></thead>
<tbody>
${Object.entries(counts.rows).map(([name, rows]) => countRow(name, rows.golden, rows.experiment))}
<tr><th>input objects</th><td colspan="2">${formatNumber(counts.inputObjects)}</td></tr>
${counts.quarantined !== undefined && html`<tr><th>quarantined</th><td colspan="2">${formatNumber(counts.quarantined)}</td></tr>`}
</tbody>
</table>
<div class="differences">
${differenceList("lost", "golden rows missing from the experiment", integrity.lost, integrity.lostCount)}
${differenceList("extra", "rows the golden output does not have", integrity.extra, integrity.extraCount)}
${differenceList("duplicated", "rows present more than once", integrity.duplicated, integrity.duplicatedCount)}
${differenceList("mismatched", "rows whose values differ", integrity.mismatched, integrity.mismatchedCount)}
${differenceList("unaccounted", "input objects neither written nor quarantined", integrity.unaccounted, integrity.unaccounted.length)}
</div>`;
}

/** One table's (or oracle query's) rows, named as the system names it. */
function countRow(name: string, golden: number, actual: number): Html {
  return html`<tr class="${golden === actual ? "" : "fail"}"><th><code>${name}</code> rows</th><td>${formatNumber(golden)}</td><td>${formatNumber(actual)}</td></tr>`;
}

function differenceList(name: string, meaning: string, keys: readonly string[], total: number): Html {
  const count = Math.max(total, keys.length);
  if (count === 0) return html`<p class="difference none"><strong>${name}</strong>: 0</p>`;
  const hidden = count - keys.length;
  return html`<details class="difference" open><summary><strong>${name}</strong>: ${formatNumber(count)} <span class="muted">(${meaning})</span></summary>
<ul class="keys">${keys.map((key) => html`<li><code>${key}</code></li>`)}${hidden > 0 && html`<li class="muted">… and ${formatNumber(hidden)} more</li>`}</ul>
</details>`;
}
