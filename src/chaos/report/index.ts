/** The resilience report: collect experiment journals (and the last exploration's), render them as HTML and as a console table. */
export { collectJournals, DEFAULT_JOURNALS_DIR, type CollectJournalsOptions } from "./collect-journals.ts";
export { JournalFormatError } from "./journal-format-error.ts";
export { validateJournal } from "./validate-journal.ts";
export { renderHtmlReport, renderExplorationPage } from "./html-report.ts";
export { EXPLORATION_FILE, readExplorationJournal, removeExplorationJournal } from "./exploration-file.ts";
export { explorationCoverage, formatExplorationCoverage, type ExplorationCoverage } from "./exploration-section.ts";
export { formatSummaryTable } from "./summary-table.ts";
export { formatSummaryMarkdown } from "./summary-markdown.ts";
export { writeResilienceReport, type WrittenResilienceReport } from "./write-report.ts";
export { recoveryVerdict, type RecoveryVerdict } from "./report-format.ts";
export { writeJournal, journalDirectory, reportsDirectory } from "./journal-file.ts";
export { escapeHtml } from "./html-escape.ts";
