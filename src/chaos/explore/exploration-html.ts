/** The matrix as a standalone HTML page (`explore.html`): the resilience report's exploration section on a page of its own. */
import { renderExplorationPage } from "../report/index.ts";
import type { ExplorationResult } from "./exploration.ts";
import { explorationJournal } from "./exploration-journal.ts";

export function explorationHtml(result: ExplorationResult): string {
  return renderExplorationPage(explorationJournal(result));
}
