import type { ProbeSample } from "../core/index.ts";
import { linearScale, niceTicks, px } from "./chart-scale.ts";
import { html, joinHtml, type Html } from "./html-escape.ts";
import { formatNumber } from "./report-format.ts";
import type { FaultWindow, RecoveryMarker, ScenarioTimeline } from "./scenario-timeline.ts";

/** The chart's geometry in SVG user units; the plot spans [marginLeft, width − marginRight] horizontally. */
export const CHART_LAYOUT = { width: 760, height: 230, marginLeft: 64, marginRight: 20, marginTop: 24, marginBottom: 34 } as const;

/** One probe over a scenario's timeline. */
export interface LineChartSpec {
  title: string;
  unit: string;
  samples: readonly ProbeSample[];
  timeline: ScenarioTimeline;
  /** A horizontal reference, e.g. the fault-free baseline throughput. */
  reference?: { label: string; value: number };
  /** A CSS class choosing the line's colour. */
  seriesClass?: string;
}

type Scale = (value: number) => number;

/** An inline SVG line chart with fault windows shaded and recovery marked; `null` readings break the line. */
export function renderLineChart(spec: LineChartSpec): Html {
  const { width, height, marginLeft, marginRight, marginTop, marginBottom } = CHART_LAYOUT;
  const plot = { left: marginLeft, right: width - marginRight, top: marginTop, bottom: height - marginBottom };
  const { timeline } = spec;
  const x = linearScale([timeline.startMs, timeline.endMs], [plot.left, plot.right]);
  const values = spec.samples.map((sample) => sample.value).filter(isMeasured);
  const yTicks = niceTicks(Math.max(0, ...values, spec.reference?.value ?? 0), 4);
  const y = linearScale([0, yTicks[yTicks.length - 1] ?? 1], [plot.bottom, plot.top]);

  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${spec.title} (${spec.unit}) over time">
<title>${spec.title} (${spec.unit}) over time</title>
<rect class="plot-area" x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}"/>
${timeline.faultWindows.map((window, index) => renderFaultWindow(window, index, x, plot))}
${yTicks.map((tick) => html`<line class="grid" x1="${plot.left}" x2="${plot.right}" y1="${px(y(tick))}" y2="${px(y(tick))}"/><text class="tick y-tick" x="${plot.left - 6}" y="${px(y(tick) + 4)}">${formatNumber(tick, 2)}</text>`)}
${renderTimeAxis(timeline, x, plot)}
<text class="unit" x="${plot.left - 6}" y="${plot.top - 4}">${spec.unit}</text>
${spec.reference && renderReference(spec.reference, y, plot)}
${renderSeries(spec.samples, x, y, spec.seriesClass ?? "series-default")}
${renderUnmeasured(spec.samples, x, plot)}
${timeline.recoveryMarkers.map((marker) => renderRecoveryMarker(marker, x, plot))}
${spec.samples.length === 0 && html`<text class="no-data" x="${px((plot.left + plot.right) / 2)}" y="${px((plot.top + plot.bottom) / 2)}">no samples recorded</text>`}
</svg>`;
}

interface Plot {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function renderFaultWindow(window: FaultWindow, index: number, x: Scale, plot: Plot): Html {
  const from = clamp(x(window.fromMs), plot.left, plot.right);
  const to = clamp(x(window.toMs), plot.left, plot.right);
  const label = window.stillInEffect ? `${window.name} (never removed)` : window.name;
  const maxChars = Math.max(12, Math.floor((plot.right - from) / 6.2));
  const shortLabel = label.length > maxChars ? `${label.slice(0, maxChars - 1)}…` : label;
  return html`<g class="fault-window${window.stillInEffect ? " still-in-effect" : ""}">
<rect class="fault-window" x="${px(from)}" y="${plot.top}" width="${px(Math.max(1, to - from))}" height="${plot.bottom - plot.top}" data-from-ms="${window.fromMs}" data-to-ms="${window.toMs}"><title>${label}: ${formatNumber(window.fromMs)}–${formatNumber(window.toMs)} ms</title></rect>
<text class="fault-label" x="${px(from + 4)}" y="${plot.top + 12 + (index % 3) * 13}">${shortLabel}</text>
</g>`;
}

function renderRecoveryMarker(marker: RecoveryMarker, x: Scale, plot: Plot): Html {
  const atX = clamp(x(marker.atMs), plot.left, plot.right);
  return html`<g class="recovery-marker"><line class="recovery-marker" x1="${px(atX)}" x2="${px(atX)}" y1="${plot.top}" y2="${plot.bottom}" data-at-ms="${marker.atMs}"><title>steady state recovered after ${marker.faultName} at ${formatNumber(marker.atMs)} ms</title></line>
<text class="recovery-label" x="${px(atX + 4)}" y="${plot.bottom - 4}">recovered</text></g>`;
}

function renderReference(reference: { label: string; value: number }, y: Scale, plot: Plot): Html {
  const at = px(y(reference.value));
  return html`<line class="reference" x1="${plot.left}" x2="${plot.right}" y1="${at}" y2="${at}"/><text class="reference-label" x="${plot.right - 4}" y="${px(y(reference.value) - 4)}">${reference.label}</text>`;
}

function renderTimeAxis(timeline: ScenarioTimeline, x: Scale, plot: Plot): Html {
  const span = timeline.endMs - timeline.startMs;
  const inSeconds = span >= 2_000;
  const ticks = niceTicks(span, 8)
    .map((offset) => timeline.startMs + offset)
    .filter((tick) => tick <= timeline.endMs);
  return joinHtml([
    html`<line class="axis" x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}"/>`,
    ...ticks.map(
      (tick) =>
        html`<text class="tick x-tick" x="${px(x(tick))}" y="${plot.bottom + 14}">${inSeconds ? `${formatNumber(tick / 1000, 1)} s` : `${formatNumber(tick)} ms`}</text>`,
    ),
    html`<text class="axis-label" x="${plot.right}" y="${plot.bottom + 28}">time since start</text>`,
  ]);
}

function renderSeries(samples: readonly ProbeSample[], x: Scale, y: Scale, seriesClass: string): Html {
  const ordered = [...samples].sort((a, b) => a.at - b.at);
  const segments: Point[][] = [[]];
  for (const sample of ordered) {
    if (isMeasured(sample.value)) segments[segments.length - 1]?.push({ x: x(sample.at), y: y(sample.value) });
    else segments.push([]);
  }
  const lines = segments.filter((points) => points.length > 1);
  const path = lines.map((points) => `M${points.map((point) => `${px(point.x)},${px(point.y)}`).join(" L")}`).join(" ");
  const lonePoints = segments.filter((points) => points.length === 1).flat();
  const failed = ordered.filter((sample) => !sample.ok && isMeasured(sample.value));
  return html`${path && html`<path class="series ${seriesClass}" d="${path}"/>`}
${lonePoints.map((point) => html`<circle class="series-point ${seriesClass}" cx="${px(point.x)}" cy="${px(point.y)}" r="2.5"/>`)}
${failed.map((sample) => html`<circle class="sample-failed" cx="${px(x(sample.at))}" cy="${px(y(sample.value ?? 0))}" r="3"><title>${formatNumber(sample.value ?? 0, 2)} at ${formatNumber(sample.at)} ms (${sample.phase}): outside tolerance${sample.error ? `: ${sample.error}` : ""}</title></circle>`)}`;
}

interface Point {
  x: number;
  y: number;
}

function isMeasured(value: number | null): value is number {
  return value !== null && Number.isFinite(value);
}

function renderUnmeasured(samples: readonly ProbeSample[], x: Scale, plot: Plot): Html {
  return joinHtml(
    samples
      .filter((sample) => !isMeasured(sample.value))
      .map((sample) => {
        const at = x(sample.at);
        return html`<path class="sample-unmeasured" d="M${px(at - 4)},${plot.bottom} L${px(at + 4)},${plot.bottom} L${px(at)},${plot.bottom - 7} Z"><title>no reading at ${formatNumber(sample.at)} ms (${sample.phase})${sample.error ? `: ${sample.error}` : ""}</title></path>`;
      }),
  );
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
