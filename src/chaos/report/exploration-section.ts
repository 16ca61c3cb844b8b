import { explorationTally, type ExplorationJournal, type ExploredCell, type ExploredRunExit, type IntegrityVerdict } from "../core/index.ts";
import { html, type Html } from "./html-escape.ts";
import { renderIntegritySection } from "./integrity-section.ts";
import { formatMs, formatNumber } from "./report-format.ts";

/** The section's anchor, for links from elsewhere in the report. */
export const EXPLORATION_ANCHOR = "exploration";

/** Counts the section's verdict rests on. */
export interface ExplorationCoverage {
  readonly cells: number;
  readonly green: number;
  readonly red: number;
  /** Red because the fault never fired. */
  readonly notReached: number;
  /** Points with at least one cell run: the points this exploration planned to reach. */
  readonly planned: number;
  /** Of those, points every cell of which fired. */
  readonly reached: number;
}

export function explorationCoverage(journal: ExplorationJournal): ExplorationCoverage {
  const { pointsRun, pointsReached, ...verdicts } = explorationTally(journal.cells);
  return { ...verdicts, planned: pointsRun, reached: pointsReached };
}

/** "8 cells: 8 green, 0 red (0 not reached); 8/8 planned points reached". */
export function formatExplorationCoverage(coverage: ExplorationCoverage): string {
  return `${coverage.cells} cells: ${coverage.green} green, ${coverage.red} red (${coverage.notReached} not reached); ${coverage.reached}/${coverage.planned} planned points reached`;
}

/**
 * The matrix of a fault-space exploration: fault points down, fault kinds
 * across, a mark per occurrence run (✓ or ✗ and its occurrence, coloured;
 * its verdict as the tooltip), coverage as a verdict, and each red cell's
 * details (verdict, runs, error, table differences, replay command), linked
 * from its mark.
 */
export function renderExplorationSection(journal: ExplorationJournal): Html {
  const coverage = explorationCoverage(journal);
  const anchors = new Map(journal.cells.filter((cell) => !cell.verdict.green).map((cell, index) => [cell, `${EXPLORATION_ANCHOR}-red-${index + 1}`]));
  const points = journal.points.map((point) => point.name).filter((name) => journal.cells.some((cell) => cell.point === name));
  for (const cell of journal.cells) if (!points.includes(cell.point)) points.push(cell.point);
  const ran = new Set(journal.cells.map((cell) => cell.kind));
  const kinds = [...new Set([...journal.kinds.filter((kind) => ran.has(kind)), ...ran])];
  const covered = coverage.reached === coverage.planned;
  const filters = journal.filters.length > 0 ? ` (filter: ${journal.filters.join(", ")})` : "";
  return html`<section class="exploration" id="${EXPLORATION_ANCHOR}">
<h2>Fault-space exploration</h2>
<p class="meta">${journal.selection} selection${filters}: ${formatNumber(coverage.cells)} of ${formatNumber(journal.plannedCells)} planned cells over ${formatNumber(journal.points.length)} fault points, ${formatNumber(journal.corpusObjects)} songs · started ${journal.startedAt} · took ${formatSeconds(journal.durationMs)}${journal.skipped > 0 && ` · ${formatNumber(journal.skipped)} cells not run (stopped)`}</p>
<p class="verdict ${coverage.red === 0 ? "pass" : "fail"}"><span class="badge ${coverage.red === 0 ? "pass" : "fail"}">${coverage.red === 0 ? "all green" : `${coverage.red} red`}</span> ${formatNumber(coverage.cells)} cells: ${formatNumber(coverage.green)} green, ${formatNumber(coverage.red)} red (${formatNumber(coverage.notReached)} not reached)</p>
<p class="verdict ${covered ? "pass" : "fail"}"><span class="badge ${covered ? "pass" : "fail"}">coverage ${covered ? "complete" : "incomplete"}</span> ${coverage.reached}/${coverage.planned} planned fault points reached</p>
<table class="matrix">
<thead><tr><th scope="col">fault point</th>${kinds.map((kind) => html`<th scope="col">${kind}</th>`)}</tr></thead>
<tbody>
${points.map((point) => html`<tr><th scope="row"><code>${point}</code></th>${kinds.map((kind) => matrixCell(journal.cells, point, kind, anchors))}</tr>\n`)}</tbody>
</table>
<p class="muted legend">Each mark is one run: <span class="cell-mark pass">✓</span> green, <span class="cell-mark fail">✗</span> red, then the occurrence of the point it faulted (first, middle, last reach); hover a mark for its verdict, follow a red one to its details. <span class="cell-mark none">·</span> not run.</p>
${anchors.size === 0 ? html`<p class="muted">No red cell.</p>` : html`<h3>Red cells</h3>\n${[...anchors].map(([cell, anchor]) => redCell(cell, anchor))}`}
</section>`;
}

function matrixCell(cells: readonly ExploredCell[], point: string, kind: string, anchors: ReadonlyMap<ExploredCell, string>): Html {
  const runs = cells.filter((cell) => cell.point === point && cell.kind === kind).sort((a, b) => a.nth - b.nth);
  if (runs.length === 0) return html`<td><span class="cell-mark none" title="not run">·</span></td>`;
  return html`<td>${runs.map((cell) => {
    const title = `${cell.occurrence} (reach ${cell.nth}): ${cell.verdict.kind}: ${cell.verdict.reason}`;
    const text = `${cell.verdict.green ? "✓" : "✗"} ${cell.occurrence}`;
    const anchor = anchors.get(cell);
    return anchor
      ? html`<a class="cell-mark fail" href="#${anchor}" title="${title}">${text}</a>`
      : html`<span class="cell-mark pass" title="${title}">${text}</span>`;
  })}</td>`;
}

function redCell(cell: ExploredCell, anchor: string): Html {
  const tables: [string, IntegrityVerdict | undefined][] = [
    ["Tables after the first run", cell.firstTables],
    ["Tables after the rerun", cell.rerunTables],
  ];
  return html`<article class="explored-cell" id="${anchor}">
<h4><code>${cell.name}</code> <span class="badge fail">${cell.verdict.kind}</span></h4>
<p class="reason fail">${cell.verdict.reason}</p>
<dl class="facts">
<dt>fault hit</dt><dd>${cell.observed}</dd>
<dt>first run</dt><dd>${describeExit(cell.first)}</dd>
<dt>error</dt><dd>${cell.first.code === 0 ? "none (exit 0)" : html`<code>${errorLine(cell.first.outputTail)}</code>`}</dd>
<dt>rerun</dt><dd>${cell.rerun ? describeExit(cell.rerun) : "not made"}</dd>
${cell.rerun && cell.rerun.code !== 0 && html`<dt>rerun error</dt><dd><code>${errorLine(cell.rerun.outputTail)}</code></dd>`}
<dt>replay</dt><dd><code class="replay">${cell.replay}</code></dd>
</dl>
${tables.map(([title, verdict]) => verdict && !verdict.ok && html`<h5>${title}</h5>\n${renderIntegritySection(verdict)}`)}
<details><summary>first run output</summary><pre class="output">${cell.first.outputTail}</pre></details>
${cell.rerun && html`<details><summary>rerun output</summary><pre class="output">${cell.rerun.outputTail}</pre></details>`}
</article>`;
}

function describeExit(exit: ExploredRunExit): string {
  const ended = exit.timedOut ? "outlived its deadline, killed" : exit.signal !== null ? `killed by ${exit.signal}` : `exit ${exit.code}`;
  return `${ended} after ${formatMs(exit.durationMs)}`;
}

/** The pipeline's error line (`pipeline failed: …`), else the output's last line. */
function errorLine(output: string): string {
  const lines = output.trim().split("\n");
  return lines.find((line) => line.includes("pipeline failed:")) ?? lines.at(-1) ?? "";
}

function formatSeconds(ms: number): string {
  return `${formatNumber(ms / 1000, 1)} s`;
}
