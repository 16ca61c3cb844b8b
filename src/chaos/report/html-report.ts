import type { ResilienceReport } from "../core/index.ts";
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
 * table, then a section per scenario with inline SVG charts. Every piece of
 * journal text is escaped.
 */
export function renderHtmlReport(report: ResilienceReport): string {
  const journals = report.journals ?? [];
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Resilience report</title>
<style>${new Html(REPORT_CSS)}</style>
</head>
<body>
<main>
<h1>Resilience report</h1>
<p class="muted">Generated ${report.generatedAt || "—"} · ${journals.length} experiment${journals.length === 1 ? "" : "s"} · times are milliseconds since each experiment's start</p>
${renderSummaryHtmlTable(journals)}
${journals.map((journal, index) => renderScenarioSection(journal, index))}
</main>
</body>
</html>
`.markup;
}
