import { describe, expect, it } from "vitest";
import type { Journal, ResilienceReport } from "../core/index.ts";
import { renderHtmlReport } from "./html-report.ts";
import { CHART_LAYOUT } from "./svg-line-chart.ts";
import { buildFault, buildJournal, completedScenario, failedScenarioWithIntegrityDifference, intactIntegrity } from "./testing/sample-journals.ts";
import { elementsWithClass } from "./testing/svg-attributes.ts";

function reportOf(...journals: Journal[]): ResilienceReport {
  return { schemaVersion: 1, generatedAt: "2025-11-24T10:30:00.000Z", journals };
}

const HOSTILE = `<script>alert("x")</script><img src=x onerror='alert(1)'>`;

describe("renderHtmlReport", () => {
  it("escapes every piece of journal text", () => {
    const journal = buildJournal({
      id: `id-${HOSTILE}`,
      title: `title ${HOSTILE}`,
      status: "failed",
      reason: `reason ${HOSTILE}`,
      environment: { kind: "embedded", target: HOSTILE },
      probes: [{ name: `probe ${HOSTILE}`, unit: HOSTILE, tolerance: HOSTILE, role: "safety" }],
      samples: [{ probe: `probe ${HOSTILE}`, at: 100, phase: "during", value: null, ok: false, error: HOSTILE }],
      faults: [
        buildFault({
          name: `fault ${HOSTILE}`,
          target: HOSTILE,
          trigger: HOSTILE,
          parameters: { [HOSTILE]: HOSTILE },
          observations: { nested: { [HOSTILE]: [HOSTILE] } },
          error: HOSTILE,
        }),
      ],
      rollbacks: [{ name: HOSTILE, at: 5, ok: false, error: HOSTILE }],
      integrity: { ...intactIntegrity(), ok: false, summary: HOSTILE, lost: [HOSTILE], lostCount: 1, unaccounted: [HOSTILE] },
    });
    const page = renderHtmlReport(reportOf(journal));
    expect(page).not.toMatch(/<script|<img|onerror='/i);
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;");
  });

  it("is self-contained: no scripts, links, external resources or fonts, and a policy that forbids them", () => {
    const page = renderHtmlReport(reportOf(completedScenario(), failedScenarioWithIntegrityDifference()));
    expect(page).not.toMatch(/<script|<link|<iframe|<img|\ssrc=|https?:\/\/|url\(|@import|@font-face/i);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`);
    expect(page.match(/<svg class="chart"/g)?.length).toBeGreaterThanOrEqual(4);
  });

  it("shades the fault window of each scenario at the position of its injection and removal times", () => {
    const page = renderHtmlReport(reportOf(completedScenario()));
    const plotWidth = CHART_LAYOUT.width - CHART_LAYOUT.marginLeft - CHART_LAYOUT.marginRight;
    const expectedX = CHART_LAYOUT.marginLeft + (3_000 / 12_000) * plotWidth;
    const expectedWidth = (3_000 / 12_000) * plotWidth;
    const windows = elementsWithClass(page, "rect", "fault-window");
    expect(windows).toHaveLength(2);
    for (const window of windows) {
      expect(Number(window.x)).toBeCloseTo(expectedX, 1);
      expect(Number(window.width)).toBeCloseTo(expectedWidth, 1);
    }
    const markers = elementsWithClass(page, "line", "recovery-marker");
    expect(markers).toHaveLength(2);
    expect(Number(markers[0]?.x1)).toBeCloseTo(CHART_LAYOUT.marginLeft + (7_200 / 12_000) * plotWidth, 1);
  });

  it("colours recovery against budget in the summary: within budget passes, over budget fails", () => {
    const page = renderHtmlReport(reportOf(completedScenario(), failedScenarioWithIntegrityDifference()));
    expect(page).toMatch(/<td class="num pass">1,200 \/ 5,000 ms<\/td>/);
    expect(page).toMatch(/<td class="num fail">6,500 \/ 4,000 ms<\/td>/);
    expect(page).toContain("1,200 ms: within budget");
    expect(page).toContain("6,500 ms: over budget");
  });

  it("links each summary row to its scenario's section", () => {
    const page = renderHtmlReport(reportOf(completedScenario(), failedScenarioWithIntegrityDifference()));
    for (const [, anchor] of page.matchAll(/<a href="#([^"]+)">/g)) expect(page).toContain(`<section class="scenario" id="${anchor}">`);
    expect([...page.matchAll(/<a href="#/g)]).toHaveLength(2);
  });

  it("shows an integrity difference with counts, the differing keys and how many were left out", () => {
    const failed = failedScenarioWithIntegrityDifference();
    const journal = { ...failed, integrity: failed.integrity && { ...failed.integrity, lostCount: 120 } };
    const page = renderHtmlReport(reportOf(journal));
    expect(page).toContain("3 instrument rows lost, 1 pair duplicated");
    expect(page).toMatch(/<strong>lost<\/strong>: 120/);
    expect(page).toContain("… and 117 more");
    expect(page).toContain("<code>lakh/b/0101.mid|lakh/d/0230.mid</code>");
    expect(page).toMatch(/<strong>unaccounted<\/strong>: 1/);
    expect(page).toMatch(/<tr class="fail"><th><code>filename_instrument<\/code> rows<\/th><td>1,204<\/td><td>1,201<\/td><\/tr>/);
  });

  it("shows fault observations and parameters as readable key/values, and failed rollbacks with their error", () => {
    const page = renderHtmlReport(reportOf(completedScenario(), failedScenarioWithIntegrityDifference()));
    expect(page).toContain(`<dt title="readyAfterMs">ready after (ms)</dt><dd>812</dd>`);
    expect(page).toContain(`<dt title="requestsDelayed">requests delayed</dt><dd>187</dd>`);
    expect(page).toMatch(/<dt title="latency">latency<\/dt><dd>2,000<\/dd>/);
    expect(page).toContain("failed: NoSuchBucket: The specified bucket does not exist");
  });

  it("renders an interrupted scenario with no samples, figures, faults, rollbacks or integrity", () => {
    const journal = buildJournal({
      status: "interrupted",
      reason: "SIGINT received during the method",
      durationMs: 0,
      steadyStateBefore: null,
      steadyStateAfter: null,
      figures: {
        recoveryMs: null,
        detectionMs: null,
        baselineThroughput: 0,
        throughputDuringFault: null,
        pipelineDurationMs: null,
        pipelineProcesses: 0,
        retries: 0,
      },
    });
    const page = renderHtmlReport(reportOf(journal));
    expect(page).toContain(`<span class="badge warn">interrupted</span>`);
    expect(page).toContain("SIGINT received during the method");
    expect(page).toContain("no samples recorded");
    expect(page).toContain("Integrity was not checked");
    expect(page).toContain("No faults were recorded.");
    expect(page).toContain("No rollbacks were recorded.");
    expect(page).toMatch(/<td class="num none">— \/ 5,000 ms<\/td>/);
    expect(page).not.toMatch(/NaN|Infinity|undefined|>null</);
  });

  it("calls a removed fault that never recovered a failure against the budget", () => {
    const journal = buildJournal({ status: "failed", faults: [buildFault({ recoveredAt: null })] });
    const page = renderHtmlReport(reportOf(journal));
    expect(page).toMatch(/<td class="num fail">— \/ 5,000 ms \(never recovered\)<\/td>/);
    expect(page).toContain("never recovered");
  });

  it("shows the first run's exit and error, what it quarantined, and the operator's rerun, all escaped", () => {
    const journal = buildJournal({
      rerun: {
        firstRun: { startedAt: 1_000, endedAt: 4_500, exitCode: 1, signal: null, outputTail: `pipeline failed: ServiceUnavailable ${HOSTILE}` },
        quarantinedAfterFirstRun: [{ key: `songs/a.mid${HOSTILE}`, stage: "download", reason: "s3-AccessDenied" }],
        rerun: { startedAt: 4_600, endedAt: 7_600, exitCode: 0, signal: null, outputTail: "done" },
      },
    });
    const page = renderHtmlReport(reportOf(journal));
    expect(page).toContain("<h3>First run and the operator's rerun</h3>");
    expect(page).toContain("<dd>exit 1 after 3,500 ms</dd>");
    expect(page).toContain("<dd>exit 0 after 3,000 ms</dd>");
    expect(page).toContain("pipeline failed: ServiceUnavailable &lt;script&gt;");
    expect(page).toContain("download / s3-AccessDenied");
    expect(page).not.toMatch(/<script|<img/i);
  });

  it("renders an empty report", () => {
    const page = renderHtmlReport(reportOf());
    expect(page).toContain("No experiment journals were found.");
    expect(page).toContain("0 experiments");
  });
});
