import type { FaultRecord, RollbackRecord } from "../core/index.ts";
import { html, type Html } from "./html-escape.ts";
import { renderKeyValues } from "./key-values.ts";
import { formatMs } from "./report-format.ts";

/** Each fault: what was planned, when it was in effect, what proves it happened. */
export function renderFaultList(faults: readonly FaultRecord[]): Html {
  if (faults.length === 0) return html`<p class="muted">No faults were recorded.</p>`;
  return html`${faults.map(
    (fault) => html`<article class="fault">
<h4>${fault.name} <span class="muted">${fault.kind} · ${fault.cause} · ${fault.target}</span></h4>
${fault.error && html`<p class="error">${fault.error}</p>`}
<table class="fault-times">
<tr><th>trigger</th><td>${fault.trigger}</td><th>planned duration</th><td>${formatMs(fault.plannedDurationMs)}</td></tr>
<tr><th>injected at</th><td>${formatMs(fault.injectedAt)}</td><th>removed at</th><td>${fault.injectedAt !== null && fault.removedAt === null ? "never removed" : formatMs(fault.removedAt)}</td></tr>
<tr><th>in effect</th><td>${formatMs(difference(fault.removedAt, fault.injectedAt))}</td><th>recovered at</th><td>${formatMs(fault.recoveredAt)}${fault.recoveredAt !== null && fault.removedAt !== null ? ` (${formatMs(fault.recoveredAt - fault.removedAt)} after removal)` : ""}</td></tr>
</table>
<div class="fault-facts">
<section><h5>parameters</h5>${renderKeyValues(fault.parameters)}</section>
<section><h5>observations</h5>${renderKeyValues(fault.observations)}</section>
</div>
</article>`,
  )}`;
}

/** Rollbacks in the order they ran, failures with their error. */
export function renderRollbacks(rollbacks: readonly RollbackRecord[]): Html {
  if (rollbacks.length === 0) return html`<p class="muted">No rollbacks were recorded.</p>`;
  return html`<table class="rollbacks">
<thead><tr><th>rollback</th><th>at</th><th>result</th></tr></thead>
<tbody>${rollbacks.map(
    (rollback) =>
      html`<tr><td>${rollback.name}</td><td>${formatMs(rollback.at)}</td><td class="${rollback.ok ? "pass" : "fail"}">${rollback.ok ? "ok" : `failed${rollback.error ? `: ${rollback.error}` : ""}`}</td></tr>`,
  )}</tbody>
</table>`;
}

function difference(later: number | null, earlier: number | null): number | null {
  return later === null || earlier === null ? null : later - earlier;
}
