import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderExplorationPage, renderHtmlReport } from "./html-report.ts";
import { findChromium, screenshotHtml } from "./testing/chromium-screenshot.ts";
import { decodePng, pixelStats, pngDimensions } from "./testing/png-pixels.ts";
import { sampleExploration } from "./testing/sample-exploration.ts";
import { completedScenario, failedScenarioWithIntegrityDifference } from "./testing/sample-journals.ts";

const WINDOW = { width: 1200, height: 2000 };
/** The throughput line's colour (--throughput) and a fault window's shading over white. */
const THROUGHPUT_BLUE = [9, 105, 218] as const;
const FAULT_SHADING = [249, 226, 228] as const;
/** A red mark's and badge's fill (--fail) and a green mark's (--pass-bg). */
const FAIL_RED = [207, 34, 46] as const;
const PASS_GREEN_BACKGROUND = [218, 251, 225] as const;

const chromium = findChromium();
const TEST_NAME = "renders the report with charts and fault windows in headless Chromium";
const MATRIX_TEST_NAME = "paints the exploration matrix's marks in their verdicts' colours in headless Chromium";

describe("HTML report screenshot", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "report-screenshot-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(chromium === null)(
    chromium === null ? `${TEST_NAME} — SKIPPED: neither chromium nor chromium-browser is on PATH (apt-get install chromium)` : TEST_NAME,
    async () => {
      const browser = chromium as string;
      const reportHtml = join(dir, "resilience.html");
      const blankHtml = join(dir, "blank.html");
      const reportPng = join(dir, "resilience.png");
      const blankPng = join(dir, "blank.png");
      const report = {
        schemaVersion: 1 as const,
        generatedAt: "2025-11-24T10:30:00.000Z",
        journals: [completedScenario(), failedScenarioWithIntegrityDifference()],
      };
      await writeFile(reportHtml, renderHtmlReport(report));
      await writeFile(blankHtml, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>`);

      await screenshotHtml(browser, reportHtml, reportPng, WINDOW);
      await screenshotHtml(browser, blankHtml, blankPng, WINDOW);

      expect(existsSync(reportPng)).toBe(true);
      const png = await readFile(reportPng);
      const blank = await readFile(blankPng);
      expect(pngDimensions(png)).toEqual(WINDOW);
      expect(pngDimensions(blank)).toEqual(WINDOW);

      const shown = pixelStats(decodePng(png));
      const empty = pixelStats(decodePng(blank));
      // The blank page proves the measures can fail: it has one colour, no ink, no chart.
      expect(empty.distinctColors).toBeLessThan(4);
      expect(empty.nonBackgroundFraction).toBeLessThan(0.001);
      expect(empty.countNear(THROUGHPUT_BLUE, 10)).toBe(0);

      expect(png.length).toBeGreaterThan(blank.length * 5);
      expect(shown.distinctColors).toBeGreaterThan(200);
      expect(shown.nonBackgroundFraction).toBeGreaterThan(0.05);
      expect(shown.countNear(THROUGHPUT_BLUE, 10), "pixels of the throughput line").toBeGreaterThan(300);
      expect(shown.countNear(FAULT_SHADING, 3), "pixels of shaded fault windows").toBeGreaterThan(10_000);
    },
  );

  it.skipIf(chromium === null)(
    chromium === null ? `${MATRIX_TEST_NAME} — SKIPPED: neither chromium nor chromium-browser is on PATH (apt-get install chromium)` : MATRIX_TEST_NAME,
    async () => {
      const browser = chromium as string;
      const journal = sampleExploration();
      const pages = { mixed: journal, green: { ...journal, cells: journal.cells.filter((cell) => cell.verdict.green) } };
      const stats: Record<string, ReturnType<typeof pixelStats>> = {};
      for (const [name, exploration] of Object.entries(pages)) {
        const page = join(dir, `${name}.html`);
        const png = join(dir, `${name}.png`);
        await writeFile(page, renderExplorationPage(exploration));
        await screenshotHtml(browser, page, png, { width: 1200, height: 1200 });
        stats[name] = pixelStats(decodePng(await readFile(png)));
      }
      const { mixed, green } = stats as Record<keyof typeof pages, ReturnType<typeof pixelStats>>;
      // The all-green matrix has red only in its legend's ✗: it proves the red is the red cells' own.
      expect(green.countNear(FAIL_RED, 10), "red pixels without a red cell").toBeLessThan(1_000);
      expect(mixed.countNear(FAIL_RED, 10), "red pixels of 3 red marks, badges and detail boxes").toBeGreaterThan(10 * green.countNear(FAIL_RED, 10));
      expect(green.countNear(PASS_GREEN_BACKGROUND, 3), "green pixels of 19 green marks and the verdict lines").toBeGreaterThan(20_000);
      expect(mixed.countNear(PASS_GREEN_BACKGROUND, 3), "fewer green pixels once 3 cells are red").toBeLessThan(green.countNear(PASS_GREEN_BACKGROUND, 3));
    },
  );
});
