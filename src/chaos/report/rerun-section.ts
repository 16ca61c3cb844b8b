import type { PipelineRunRecord, RerunRecord } from "../core/index.ts";
import { html, type Html } from "./html-escape.ts";
import { formatMs, formatNumber } from "./report-format.ts";

/** The first run and the operator's rerun: how each ended, the first run's error, and what it quarantined before the rerun. */
export function renderRerunSection(rerun: RerunRecord | undefined): Html | undefined {
  if (!rerun) return undefined;
  const quarantined = rerun.quarantinedAfterFirstRun;
  return html`<h3>First run and the operator's rerun</h3>
<dl class="facts">
<dt>first run</dt><dd>${describeRun(rerun.firstRun)}</dd>
<dt>quarantined before the rerun</dt><dd>${quarantined === null ? "the system has no quarantine" : formatNumber(quarantined.length)}</dd>
<dt>rerun (faults removed)</dt><dd>${rerun.rerun ? describeRun(rerun.rerun) : "did not run"}</dd>
</dl>
${rerun.firstRun.exitCode !== 0 && html`<pre class="output">${rerun.firstRun.outputTail}</pre>`}
${quarantined !== null && quarantined.length > 0 && html`<ul class="quarantine">${quarantined.map((row) => html`<li><code>${row.key}</code>: ${row.stage} / ${row.reason}</li>`)}</ul>`}`;
}

function describeRun(run: PipelineRunRecord): string {
  const ended = run.signal !== null ? `killed by ${run.signal}` : `exit ${run.exitCode}`;
  return `${ended} after ${formatMs(run.endedAt - run.startedAt)}`;
}
