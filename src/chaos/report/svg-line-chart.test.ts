import { describe, expect, it } from "vitest";
import type { ProbeSample } from "../core/index.ts";
import { buildFault, buildJournal } from "./testing/sample-journals.ts";
import { elementsWithClass } from "./testing/svg-attributes.ts";
import { scenarioTimeline } from "./scenario-timeline.ts";
import { CHART_LAYOUT, renderLineChart } from "./svg-line-chart.ts";

const PLOT_LEFT = CHART_LAYOUT.marginLeft;
const PLOT_WIDTH = CHART_LAYOUT.width - CHART_LAYOUT.marginLeft - CHART_LAYOUT.marginRight;

function xAt(ms: number, endMs: number): number {
  return PLOT_LEFT + (ms / endMs) * PLOT_WIDTH;
}

function sample(at: number, value: number | null, ok = true): ProbeSample {
  return { probe: "pipeline throughput", at, phase: "during", value, ok };
}

function chartOf(journal = buildJournal(), samples: ProbeSample[] = journal.samples): string {
  return renderLineChart({ title: "pipeline throughput", unit: "objects/s", samples, timeline: scenarioTimeline(journal) }).markup;
}

describe("renderLineChart", () => {
  it("shades each fault window from its injection to its removal on the time axis", () => {
    const journal = buildJournal({
      durationMs: 10_000,
      faults: [
        buildFault({ name: "first", injectedAt: 2_000, removedAt: 5_000, recoveredAt: 6_500 }),
        buildFault({ name: "second", injectedAt: 7_500, removedAt: 8_000, recoveredAt: null }),
      ],
    });
    const windows = elementsWithClass(chartOf(journal, [sample(0, 400), sample(10_000, 410)]), "rect", "fault-window");
    expect(windows).toHaveLength(2);
    expect(Number(windows[0]?.x)).toBeCloseTo(xAt(2_000, 10_000), 1);
    expect(Number(windows[0]?.width)).toBeCloseTo(xAt(5_000, 10_000) - xAt(2_000, 10_000), 1);
    expect(Number(windows[1]?.x)).toBeCloseTo(xAt(7_500, 10_000), 1);
    expect(Number(windows[1]?.width)).toBeCloseTo(xAt(8_000, 10_000) - xAt(7_500, 10_000), 1);
    expect(windows[0]?.["data-from-ms"]).toBe("2000");
    expect(windows[0]?.["data-to-ms"]).toBe("5000");
  });

  it("labels each fault window with the fault's name", () => {
    const journal = buildJournal({ faults: [buildFault({ name: "kill -9 Postgres" })] });
    expect(chartOf(journal)).toMatch(/<text class="fault-label"[^>]*>kill -9 Postgres<\/text>/);
  });

  it("draws a vertical recovery marker at recoveredAt", () => {
    const journal = buildJournal({ durationMs: 10_000, faults: [buildFault({ injectedAt: 2_000, removedAt: 5_000, recoveredAt: 6_500 })] });
    const [marker] = elementsWithClass(chartOf(journal), "line", "recovery-marker");
    expect(Number(marker?.x1)).toBeCloseTo(xAt(6_500, 10_000), 1);
    expect(marker?.x2).toBe(marker?.x1);
  });

  it("extends the time axis to the latest recorded time, so a late recovery stays on the chart", () => {
    const journal = buildJournal({ durationMs: 8_000, faults: [buildFault({ injectedAt: 2_000, removedAt: 5_000, recoveredAt: 12_000 })] });
    const [marker] = elementsWithClass(chartOf(journal), "line", "recovery-marker");
    expect(Number(marker?.x1)).toBeCloseTo(xAt(12_000, 12_000), 1);
  });

  it("runs the window of a fault that was never removed to the end of the axis", () => {
    const journal = buildJournal({ durationMs: 10_000, faults: [buildFault({ injectedAt: 4_000, removedAt: null, recoveredAt: null })] });
    const markup = chartOf(journal);
    const [window] = elementsWithClass(markup, "rect", "fault-window");
    expect(Number(window?.x) + Number(window?.width)).toBeCloseTo(xAt(10_000, 10_000), 1);
    expect(markup).toContain("(never removed)");
  });

  it("leaves out faults that were never injected", () => {
    const journal = buildJournal({ faults: [buildFault({ injectedAt: null, removedAt: null, recoveredAt: null, error: "proxy refused" })] });
    expect(elementsWithClass(chartOf(journal), "rect", "fault-window")).toHaveLength(0);
  });

  it("breaks the line where a probe could not measure and marks the gap", () => {
    const markup = chartOf(buildJournal({ durationMs: 4_000 }), [
      sample(0, 400),
      sample(1_000, 410),
      sample(2_000, null, false),
      sample(3_000, 405),
      sample(4_000, 400),
    ]);
    const [series] = elementsWithClass(markup, "path", "series");
    expect(series?.d?.match(/M/g)).toHaveLength(2);
    expect(elementsWithClass(markup, "path", "sample-unmeasured")).toHaveLength(1);
  });

  it("marks readings outside tolerance", () => {
    const markup = chartOf(buildJournal({ durationMs: 2_000 }), [sample(0, 400), sample(1_000, 20, false), sample(2_000, 400)]);
    expect(elementsWithClass(markup, "circle", "sample-failed")).toHaveLength(1);
  });

  it("says so when there are no samples, and still shows the fault windows", () => {
    const journal = buildJournal({ faults: [buildFault()] });
    const markup = chartOf(journal, []);
    expect(markup).toContain("no samples recorded");
    expect(elementsWithClass(markup, "rect", "fault-window")).toHaveLength(1);
    expect(markup).not.toMatch(/NaN|Infinity|undefined/);
  });

  it("survives a zero-length experiment", () => {
    const markup = chartOf(buildJournal({ durationMs: 0 }), [sample(0, 5)]);
    expect(markup).not.toMatch(/NaN|Infinity/);
  });
});
