import { linearScale, px } from "./chart-scale.ts";
import { html, type Html } from "./html-escape.ts";
import { formatMs, verdictOutcome, type RecoveryVerdict } from "./report-format.ts";

const GAUGE = { width: 760, height: 54, left: 10, right: 200, barTop: 14, barHeight: 18 } as const;

/** A horizontal bar of the recovery time against a line at the budget, coloured pass/fail. */
export function renderRecoveryGauge(verdict: RecoveryVerdict): Html {
  const outcome = verdictOutcome(verdict);
  const recoveryMs = "recoveryMs" in verdict ? verdict.recoveryMs : null;
  const scaleMax = Math.max(verdict.budgetMs, recoveryMs ?? 0, 1) * 1.15;
  const x = linearScale([0, scaleMax], [GAUGE.left, GAUGE.width - GAUGE.right]);
  const budgetX = px(x(verdict.budgetMs));
  const caption = gaugeCaption(verdict);
  return html`<svg class="gauge" viewBox="0 0 ${GAUGE.width} ${GAUGE.height}" role="img" aria-label="${caption}">
<title>${caption}</title>
<rect class="gauge-track" x="${GAUGE.left}" y="${GAUGE.barTop}" width="${GAUGE.width - GAUGE.right - GAUGE.left}" height="${GAUGE.barHeight}"/>
${recoveryMs !== null && html`<rect class="gauge-bar ${outcome}" x="${GAUGE.left}" y="${GAUGE.barTop}" width="${px(Math.max(1, x(recoveryMs) - GAUGE.left))}" height="${GAUGE.barHeight}"/>`}
${verdict.kind === "never-recovered" && html`<rect class="gauge-bar fail never" x="${GAUGE.left}" y="${GAUGE.barTop}" width="${GAUGE.width - GAUGE.right - GAUGE.left}" height="${GAUGE.barHeight}"/>`}
<line class="gauge-budget" x1="${budgetX}" x2="${budgetX}" y1="${GAUGE.barTop - 6}" y2="${GAUGE.barTop + GAUGE.barHeight + 6}"/>
<text class="gauge-budget-label" x="${budgetX}" y="${GAUGE.barTop + GAUGE.barHeight + 18}">budget ${formatMs(verdict.budgetMs)}</text>
<text class="gauge-caption ${outcome}" x="${GAUGE.width - GAUGE.right + 10}" y="${GAUGE.barTop + 14}">${caption}</text>
</svg>`;
}

function gaugeCaption(verdict: RecoveryVerdict): string {
  switch (verdict.kind) {
    case "within-budget":
      return `${formatMs(verdict.recoveryMs)}: within budget`;
    case "over-budget":
      return `${formatMs(verdict.recoveryMs)}: over budget`;
    case "never-recovered":
      return "never recovered";
    case "not-measured":
      return "not measured";
  }
}
