import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXPLORATION_FILE, readExplorationJournal } from "./exploration-file.ts";
import { explorationCoverage, renderExplorationSection } from "./exploration-section.ts";
import { renderHtmlReport } from "./html-report.ts";
import { JournalFormatError } from "./journal-format-error.ts";
import { exploredCell, sampleExploration } from "./testing/sample-exploration.ts";
import { completedScenario } from "./testing/sample-journals.ts";
import { elementsWithClass } from "./testing/svg-attributes.ts";
import { writeResilienceReport } from "./write-report.ts";

/** The text of every element of `markup` carrying `className`, tags removed. */
const textsOf = (markup: string, className: string): string[] =>
  [...markup.matchAll(new RegExp(`<(a|span)\\b[^>]*class="[^"]*\\b${className}\\b[^"]*"[^>]*>(.*?)</\\1>`, "g"))].map((match) => match[2] ?? "");

describe("the exploration section", () => {
  it("shows fault point × fault kind, each run a mark whose text says its verdict and occurrence, in plan and column order", () => {
    const section = renderExplorationSection(sampleExploration()).markup;
    const rows = [...section.matchAll(/<th scope="row"><code>(.*?)<\/code><\/th>/g)].map((match) => match[1]);
    expect(rows).toEqual(["s3 GetObject", "pg BEGIN", "pg COMMIT"]);
    const columns = [...section.matchAll(/<th scope="col">(.*?)<\/th>/g)].map((match) => match[1]);
    expect(columns).toEqual([
      "fault point",
      "transient-error",
      "permanent-error",
      "hang",
      "reset",
      "commit-ack-lost",
      "truncated-body",
      "corrupted-body",
      "sigkill",
    ]);
    const commitRow = section.split("\n").find((line) => line.includes("<code>pg COMMIT</code>"))!;
    expect(textsOf(commitRow, "cell-mark")).toEqual(["·", "·", "·", "·", "✓ first", "✗ middle", "✓ last", "·", "·", "·"]);
    expect(textsOf(section, "pass").filter((text) => text.startsWith("✓ "))).toHaveLength(19);
    expect(textsOf(section, "fail").filter((text) => text.startsWith("✗ "))).toHaveLength(3);
  });

  it("links every red mark to its cell's details, and titles every mark with its verdict", () => {
    const section = renderExplorationSection(sampleExploration()).markup;
    const links = elementsWithClass(section, "a", "cell-mark");
    expect(links).toHaveLength(3);
    for (const link of links) expect(section).toContain(`<article class="explored-cell" id="${link.href!.slice(1)}">`);
    expect(links.map((link) => link.title)).toEqual([
      "last (reach 5): not-reached: the fault never fired: the run exited 0 without reaching the planned point",
      "middle (reach 3): unnamed-failure: exited 1 with an error that does not name the reset: &lt;script&gt;alert(1)&lt;/script&gt;",
      "middle (reach 3): not-repaired: the rerun completed with tables unlike the golden run&#39;s: 3 rows lost",
    ]);
  });

  it("states coverage as a verdict: planned points whose every cell fired, over the points planned", () => {
    const journal = sampleExploration();
    expect(explorationCoverage(journal)).toEqual({ cells: 22, green: 19, red: 3, notReached: 1, planned: 3, reached: 2 });
    const section = renderExplorationSection(journal).markup;
    expect(section).toContain(`<span class="badge fail">coverage incomplete</span> 2/3 planned fault points reached`);
    expect(section).toContain(`<span class="badge fail">3 red</span> 22 cells: 19 green, 3 red (1 not reached)`);

    const green = { ...journal, cells: journal.cells.filter((cell) => cell.verdict.green) };
    const allGreen = renderExplorationSection(green).markup;
    expect(allGreen).toContain(`<span class="badge pass">coverage complete</span> 3/3 planned fault points reached`);
    expect(allGreen).toContain(`<span class="badge pass">all green</span>`);
    expect(allGreen).toContain("No red cell.");
    expect(allGreen).not.toContain("explored-cell");
  });

  it("details a red cell: verdict, fault, both runs, the error, the tables' differences and the replay command, all escaped", () => {
    const section = renderExplorationSection(sampleExploration()).markup;
    const notRepaired = section.slice(section.indexOf("<code>pg COMMIT × commit-ack-lost × middle</code>"));
    const article = notRepaired.slice(0, notRepaired.indexOf("</article>"));
    expect(article).toContain(`<span class="badge fail">not-repaired</span>`);
    expect(article).toContain("<dt>first run</dt><dd>exit 1 after 900 ms</dd>");
    expect(article).toContain("<dt>error</dt><dd><code>pipeline failed: Connection terminated unexpectedly</code></dd>");
    expect(article).toContain("<dt>rerun</dt><dd>exit 0 after 1,300 ms</dd>");
    expect(article).toContain("<h5>Tables after the rerun</h5>");
    expect(article).toContain("<strong>lost</strong>: 3");
    expect(article).toContain("<li><code>instrument explore/songs/song-04.mid#1</code></li>");
    expect(article).toContain(`<code class="replay">npm run explore -- --filter &#39;pg COMMIT × commit-ack-lost × middle&#39;</code>`);
    expect(section).not.toContain("<script>");
    expect(section).toContain("pipeline failed: &lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("shows a run that outlived its deadline, and a rerun's own error", () => {
    const hung = exploredCell("pg BEGIN", "hang", "first", {
      verdict: { green: false, kind: "hang", reason: "the rerun did not end within its deadline (45.0 s); killed" },
      first: { code: 1, signal: null, timedOut: false, outputTail: "pipeline failed: query timeout", durationMs: 2_500 },
      rerun: { code: null, signal: "SIGKILL", timedOut: true, outputTail: "pipeline failed: stuck", durationMs: 45_000 },
    });
    const section = renderExplorationSection({ ...sampleExploration(), cells: [hung] }).markup;
    expect(section).toContain("<dt>rerun</dt><dd>outlived its deadline, killed after 45,000 ms</dd>");
    expect(section).toContain("<dt>rerun error</dt><dd><code>pipeline failed: stuck</code></dd>");
  });

  it("is a section of the resilience report when the report has an exploration, linked from its header, and absent otherwise", () => {
    const report = { schemaVersion: 1 as const, generatedAt: "2025-11-24T10:30:00.000Z", journals: [completedScenario()] };
    const withMatrix = renderHtmlReport({ ...report, exploration: sampleExploration() });
    expect(withMatrix).toContain(`<section class="exploration" id="exploration">`);
    expect(withMatrix).toContain(`<a href="#exploration">fault-space exploration</a>`);
    expect(withMatrix.indexOf(`id="exploration"`)).toBeLessThan(withMatrix.indexOf(`class="scenario`));
    const without = renderHtmlReport(report);
    expect(without).not.toContain(`id="exploration"`);
    expect(without).not.toContain(`href="#exploration"`);
  });
});

describe("the exploration journal file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "exploration-file-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is none when no exploration ran, and is read back as written", async () => {
    expect(await readExplorationJournal(dir)).toBeUndefined();
    await writeFile(join(dir, EXPLORATION_FILE), JSON.stringify(sampleExploration()));
    expect(await readExplorationJournal(dir)).toEqual(sampleExploration());
  });

  it("names the file and the field when it is not an exploration journal", async () => {
    const journal = sampleExploration();
    const broken = { ...journal, cells: [journal.cells[0], { ...journal.cells[1], verdict: { green: "yes", kind: "x", reason: "" } }] };
    await writeFile(join(dir, EXPLORATION_FILE), JSON.stringify(broken));
    const error = await readExplorationJournal(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JournalFormatError);
    expect(error).toMatchObject({ file: join(dir, EXPLORATION_FILE), field: "cells[1].verdict.green" });
    await writeFile(join(dir, EXPLORATION_FILE), "{ not json");
    await expect(readExplorationJournal(dir)).rejects.toMatchObject({ field: "(file)", message: expect.stringContaining("is not valid JSON") });
  });

  it("goes into resilience.json and resilience.html when writeResilienceReport finds it beside the journals", async () => {
    await writeFile(join(dir, EXPLORATION_FILE), JSON.stringify(sampleExploration()));
    const written = await writeResilienceReport(dir);
    expect(written.report.exploration).toEqual(sampleExploration());
    expect(JSON.parse(await readFile(written.jsonPath, "utf8")).exploration.cells).toHaveLength(22);
    expect(await readFile(written.htmlPath, "utf8")).toContain("2/3 planned fault points reached");
  });
});
