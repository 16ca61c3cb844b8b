/** Snapshots of the pipeline's tables, for comparing a run with the golden one. */
export { snapshotTables, type InstrumentRow, type PairRow, type QuarantineRow, type TableSnapshot } from "./table-snapshot.ts";
