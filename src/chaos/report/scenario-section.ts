import type { ExperimentStatus, Journal } from "../core/index.ts";
import { renderFaultList, renderRollbacks } from "./fault-list.ts";
import { html, type Html } from "./html-escape.ts";
import { renderIntegritySection } from "./integrity-section.ts";
import { renderRerunSection } from "./rerun-section.ts";
import { renderRecoveryGauge } from "./recovery-gauge.ts";
import { formatMs, formatNumber, formatThroughputDip, recoveryVerdict } from "./report-format.ts";
import { renderScenarioCharts } from "./scenario-charts.ts";
import { scenarioTimeline } from "./scenario-timeline.ts";

/** The element id of a scenario's section; the position keeps it unique even if two journals share an id. */
export function scenarioAnchor(journal: Journal, index: number): string {
  const slug = String(journal.id)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return `scenario-${index + 1}${slug ? `-${slug}` : ""}`;
}

/** Pass/fail colouring of a status badge. */
export function statusClass(status: ExperimentStatus): string {
  return status === "completed" ? "pass" : status === "interrupted" ? "warn" : "fail";
}

/** Everything about one scenario: facts, charts, recovery against budget, integrity, faults, rollbacks. */
export function renderScenarioSection(journal: Journal, index: number): Html {
  const timeline = scenarioTimeline(journal);
  const { figures } = journal;
  return html`<section class="scenario" id="${scenarioAnchor(journal, index)}">
<h2>${journal.title || journal.id} <span class="badge ${statusClass(journal.status)}">${journal.status}</span></h2>
<p class="meta"><code>${journal.id}</code> · ${journal.cause} · ${journal.environment?.kind ?? "unknown environment"}${journal.environment?.target ? ` (${journal.environment.target})` : ""} · started ${journal.startedAt || "—"} · ran ${formatMs(journal.durationMs)}</p>
${journal.reason && html`<p class="reason ${statusClass(journal.status)}">${journal.reason}</p>`}
<dl class="facts">
<dt>steady state before</dt><dd>${yesNoUnknown(journal.steadyStateBefore)}</dd>
<dt>steady state after</dt><dd>${yesNoUnknown(journal.steadyStateAfter)}</dd>
<dt>deviated during method</dt><dd>${journal.steadyStateDeviated ? "yes" : "no"}</dd>
<dt>detection</dt><dd>${formatMs(figures.detectionMs)}</dd>
<dt>throughput dip</dt><dd>${formatThroughputDip(journal)}</dd>
<dt>pipeline</dt><dd>${formatMs(figures.pipelineDurationMs)} · ${formatNumber(figures.pipelineProcesses)} process${figures.pipelineProcesses === 1 ? "" : "es"} · ${formatNumber(figures.retries)} retries</dd>
</dl>
<h3>Probes over time</h3>
${renderScenarioCharts(journal, timeline)}
<h3>Recovery time vs budget</h3>
${renderRecoveryGauge(recoveryVerdict(journal))}
${renderRerunSection(journal.rerun)}
<h3>Integrity</h3>
${renderIntegritySection(journal.integrity)}
<h3>Faults</h3>
${renderFaultList(journal.faults)}
<h3>Rollbacks</h3>
${renderRollbacks(journal.rollbacks)}
</section>`;
}

function yesNoUnknown(value: boolean | null): string {
  return value === null ? "not checked" : value ? "held" : "did not hold";
}
