import type { ExplorationJournal } from "./exploration-journal.ts";
import type { Journal } from "./journal.ts";

/** The JSON report: every journal of one suite run, and the exploration found beside them. */
export interface ResilienceReport {
  schemaVersion: 1;
  generatedAt: string;
  journals: Journal[];
  /** The matrix of the last fault-space exploration (`explore.json`), when there is one. */
  exploration?: ExplorationJournal;
}
