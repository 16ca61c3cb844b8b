import type { ExplorationJournal, ResilienceReport } from "../core/index.ts";
import { renderExplorationSection } from "./exploration-section.ts";
import { Html, html } from "./html-escape.ts";
import { REPORT_CSS } from "./report-styles.ts";
import { renderScenarioSection } from "./scenario-section.ts";
import { renderSummaryHtmlTable } from "./summary-html-table.ts";

/**
 * Disallows everything the page does not need: no scripts, no network, only
 * its own inline styles. A second line of defence behind escaping.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/**
 * Renders the resilience report as one self-contained HTML page: a summary
 * table, the fault-space exploration's matrix when the report has one, then
 * a section per scenario with inline SVG charts. Every piece of journal text
 * is escaped.
 */
export function renderHtmlReport(report: ResilienceReport): string {
  const journals = report.journals ?? [];
  return page(
    "Resilience report",
    html`<h1>Resilience report</h1>
<p class="muted">Generated ${report.generatedAt || "—"} · ${journals.length} experiment${journals.length === 1 ? "" : "s"}${report.exploration && html` · <a href="#exploration">fault-space exploration</a>`} · times are milliseconds since each experiment's start</p>
${renderSummaryHtmlTable(journals)}
${report.exploration && renderExplorationSection(report.exploration)}
${journals.map((journal, index) => renderScenarioSection(journal, index))}`,
  );
}

/** The exploration's matrix on a page of its own (`explore.html`): the report's section, same styles. */
export function renderExplorationPage(journal: ExplorationJournal): string {
  return page("Fault-space exploration", renderExplorationSection(journal));
}

function page(title: string, body: Html): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(REPORT_CSS)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.markup;
}
