import type { Instrument } from "../midi/index.ts";

/** Where in the pipeline an object could not be used. */
export type QuarantineStage = "download" | "parse";

/** What became of one source object; written to the database in batches. */
export type FileOutcome =
  | { kind: "written"; key: string; etag: string; size: number; instruments: readonly Instrument[] }
  | { kind: "quarantined"; key: string; etag: string; size: number; stage: QuarantineStage; reason: string; detail: string };
