/** The report's only stylesheet, inlined so the page needs nothing but itself. */
export const REPORT_CSS = `
:root { --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5;
  --muted: #656d76; --line: #d0d7de; --ink: #1f2328; --throughput: #0969da; --errors: #bc4c00; --other: #8250df; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1100px; margin: 0 auto; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 0 0 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; border-bottom: 1px solid var(--line); padding-bottom: 2px; }
h4 { font-size: 14px; margin: 0 0 6px; }
h5 { font-size: 12px; margin: 6px 0 2px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; }
.muted { color: var(--muted); }
.meta { margin: 0 0 8px; color: var(--muted); }
table { border-collapse: collapse; margin: 6px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: #f6f8fa; font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
table.summary { width: 100%; }
table.summary tfoot td { font-weight: 600; border-bottom: none; }
td.pass, .verdict.pass { color: var(--pass); background: var(--pass-bg); }
td.fail, .verdict.fail, tr.fail td { color: var(--fail); background: var(--fail-bg); }
td.none { color: var(--muted); }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; vertical-align: middle; }
.badge.pass { color: #fff; background: var(--pass); }
.badge.fail { color: #fff; background: var(--fail); }
.badge.warn { color: #fff; background: var(--warn); }
.reason { padding: 6px 10px; border-left: 4px solid var(--warn); background: var(--warn-bg); }
.reason.fail { border-color: var(--fail); background: var(--fail-bg); }
.error { color: var(--fail); }
.scenario { margin: 32px 0; padding-top: 16px; border-top: 2px solid var(--ink); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd, dl.kv dd { margin: 0; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 1px 12px; margin: 0; }
dl.kv dt { color: var(--muted); }
.chart-figure { margin: 8px 0 12px; }
.chart-figure figcaption { font-weight: 600; }
svg.chart, svg.gauge { width: 100%; max-width: 900px; height: auto; display: block; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
.plot-area { fill: #fff; stroke: var(--line); }
.grid { stroke: #eaeef2; }
.axis { stroke: var(--muted); }
.tick.y-tick, .unit { text-anchor: end; fill: var(--muted); }
.tick.x-tick { text-anchor: middle; fill: var(--muted); }
.axis-label, .reference-label { text-anchor: end; fill: var(--muted); }
rect.fault-window { fill: rgba(207, 34, 46, 0.13); stroke: rgba(207, 34, 46, 0.5); stroke-dasharray: 3 2; }
.still-in-effect rect.fault-window { fill: rgba(207, 34, 46, 0.22); }
.fault-label { fill: var(--fail); font-weight: 600; }
line.recovery-marker { stroke: var(--pass); stroke-width: 2; stroke-dasharray: 5 3; }
.recovery-label { fill: var(--pass); font-weight: 600; }
.reference { stroke: var(--muted); stroke-dasharray: 6 4; }
path.series { fill: none; stroke-width: 2; stroke-linejoin: round; }
.series-throughput { stroke: var(--throughput); fill: var(--throughput); }
.series-errors { stroke: var(--errors); fill: var(--errors); }
.series-other, .series-default { stroke: var(--other); fill: var(--other); }
path.series.series-throughput, path.series.series-errors, path.series.series-other, path.series.series-default { fill: none; }
.sample-failed { fill: #fff; stroke: var(--fail); stroke-width: 2; }
.sample-unmeasured { fill: var(--fail); }
.no-data { text-anchor: middle; fill: var(--muted); font-size: 13px; }
.gauge-track { fill: #eaeef2; }
.gauge-bar.pass { fill: var(--pass); }
.gauge-bar.fail { fill: var(--fail); }
.gauge-bar.never { fill: var(--fail-bg); stroke: var(--fail); stroke-dasharray: 4 3; }
.gauge-budget { stroke: var(--ink); stroke-width: 2; }
.gauge-budget-label { text-anchor: middle; fill: var(--ink); }
.gauge-caption { font-size: 13px; font-weight: 600; }
.gauge-caption.pass { fill: var(--pass); }
.gauge-caption.fail { fill: var(--fail); }
.gauge-caption.none { fill: var(--muted); }
.verdict { padding: 6px 10px; }
.differences details, .differences p { margin: 4px 0; }
ul.keys { margin: 4px 0; padding-left: 20px; max-height: 240px; overflow: auto; }
article.fault { margin: 8px 0 16px; padding: 8px 12px; border: 1px solid var(--line); border-radius: 6px; }
.fault-facts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
section.exploration { margin: 32px 0; padding-top: 16px; border-top: 2px solid var(--ink); }
table.matrix th[scope=row] { font-weight: normal; max-width: 360px; overflow-wrap: anywhere; }
table.matrix td { border-left: 1px solid var(--line); white-space: nowrap; }
.cell-mark { display: block; padding: 0 6px; margin: 1px 0; border-radius: 4px; font-size: 12px; font-weight: 600; text-decoration: none; }
.cell-mark.pass { color: var(--pass); background: var(--pass-bg); }
.cell-mark.fail { color: #fff; background: var(--fail); }
.cell-mark.none { color: var(--muted); font-weight: normal; }
.legend .cell-mark { display: inline-block; }
article.explored-cell { margin: 8px 0 16px; padding: 8px 12px; border: 1px solid var(--fail); border-radius: 6px; }
code.replay { user-select: all; }
pre.output { max-height: 240px; overflow: auto; padding: 6px 8px; background: #f6f8fa; font: 12px ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; }
`;
