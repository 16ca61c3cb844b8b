/**
 * Exploration of the fault space: a fault-free recording run lists every
 * dependency call the pipeline reaches; each call × fault kind × occurrence
 * is then one run, judged by one oracle, coverage included.
 */
export { runExploration, EXPLORATION_LAUNCH, RUN_DEADLINE_MS, type ExplorationOptions, type ExplorationResult } from "./exploration.ts";
export { explorationCorpus, EXPLORATION_SONGS } from "./exploration-corpus.ts";
export {
  planExploration,
  selectCells,
  faultPoints,
  applicableKinds,
  occurrences,
  SELECTIONS,
  type Selection,
  type ExplorationRecording,
} from "./exploration-plan.ts";
export { judgeCell, type CellOutcome, type CellRunExit, type CellVerdict, type CellVerdictKind, type TablesComparison } from "./cell-oracle.ts";
export type { CellResult } from "./cell-run.ts";
export { compareTables } from "./tables-comparison.ts";
export {
  FAULT_KINDS,
  OCCURRENCE_LABELS,
  type ExplorationCell,
  type FaultKind,
  type FaultPoint,
  type FaultTarget,
  type OccurrenceLabel,
} from "./fault-point.ts";
export { explorationTotals, formatMatrix, matrixMarks, type ExplorationTotals } from "./exploration-matrix.ts";
export { explorationJUnit } from "./exploration-junit.ts";
export { explorationHtml } from "./exploration-html.ts";
export { writeExplorationReports, type WrittenExploration } from "./exploration-files.ts";
export {
  parseSchedule,
  checkScheduleAgainst,
  describeSchedule,
  scheduleJson,
  ScheduleError,
  MAX_SCHEDULED_FAULTS,
  type FaultSchedule,
  type ScheduledFault,
  type PointFault,
  type ProgressFault,
} from "./fault-schedule.ts";
export { faultScheduleArbitrary } from "./schedule-arbitrary.ts";
export { searchSchedules, describeFailure, DEFAULT_SHRINK_RUNS, type ScheduleSearchResult, type ShrunkFailure } from "./schedule-search.ts";
export { runSchedule, type ScheduleResult, type ScheduleRunSettings } from "./schedule-run.ts";
export {
  recordGolden,
  runScheduleExploration,
  type GoldenRecording,
  type ScheduleExplorationOptions,
  type ScheduleExplorationResult,
} from "./schedule-exploration.ts";
export { schedulesJUnit, writeScheduleReports, type WrittenSchedules } from "./schedule-reports.ts";
export { explorationJournal, writeExplorationJournal, type WrittenExplorationJournal } from "./exploration-journal.ts";
export { cellReplayCommand, scheduleReplayCommand, shellQuote } from "./replay-command.ts";
