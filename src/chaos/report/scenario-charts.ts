import type { Journal } from "../core/index.ts";
import { html, type Html } from "./html-escape.ts";
import { formatNumber } from "./report-format.ts";
import type { ScenarioTimeline } from "./scenario-timeline.ts";
import { renderLineChart } from "./svg-line-chart.ts";

/** Probe names the pipeline's experiments record, charted first and always. */
export const THROUGHPUT_PROBE = "pipeline throughput";
export const ERROR_RATE_PROBE = "pipeline error rate";

const DEFAULT_UNITS: Readonly<Record<string, string>> = {
  [THROUGHPUT_PROBE]: "objects/s",
  [ERROR_RATE_PROBE]: "retries/s",
};

/** The probes to chart: throughput and error rate, then every other declared or sampled probe in order of appearance. */
export function chartedProbes(journal: Journal): string[] {
  const names = [THROUGHPUT_PROBE, ERROR_RATE_PROBE, ...journal.probes.map((probe) => probe.name), ...journal.samples.map((sample) => sample.probe)];
  return [...new Set(names)];
}

/** One line chart per charted probe, all on the scenario's timeline. */
export function renderScenarioCharts(journal: Journal, timeline: ScenarioTimeline): Html {
  return html`${chartedProbes(journal).map((probe) => {
    const declaration = journal.probes.find((candidate) => candidate.name === probe);
    const unit = declaration?.unit ?? DEFAULT_UNITS[probe] ?? "";
    const samples = journal.samples.filter((sample) => sample.probe === probe);
    const baseline = journal.figures.baselineThroughput;
    const reference =
      probe === THROUGHPUT_PROBE && Number.isFinite(baseline) && baseline > 0
        ? { label: `baseline ${formatNumber(baseline, 1)} ${unit}`, value: baseline }
        : undefined;
    const seriesClass = probe === THROUGHPUT_PROBE ? "series-throughput" : probe === ERROR_RATE_PROBE ? "series-errors" : "series-other";
    return html`<figure class="chart-figure">
<figcaption>${probe} <span class="muted">(${unit || "no unit declared"})${declaration && html` · tolerance ${declaration.tolerance} · ${declaration.role}`}</span></figcaption>
${renderLineChart({ title: probe, unit, samples, timeline, reference, seriesClass })}
</figure>`;
  })}`;
}
