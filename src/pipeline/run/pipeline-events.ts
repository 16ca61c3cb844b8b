import type { TransientReason } from "../error-classifier.ts";

/** Named steps of a run, so probes and fault hooks can be placed by name. */
export type PipelineStep = "list" | "download" | "parse" | "write-instruments" | "load-songs" | "similarity" | "write-pairs";

/** What a run reports while it works (for progress bars, probes and logs). */
export type PipelineEvent =
  | { type: "stage-started"; stage: "extract" | "similarity" }
  | { type: "stage-finished"; stage: "extract" | "similarity"; durationMs: number; skipped?: boolean }
  | { type: "listed"; objects: number; toProcess: number }
  | { type: "batch-written"; step: "write-instruments" | "write-pairs"; files: number; rows: number }
  | { type: "quarantined"; key: string; stage: "download" | "parse"; reason: string }
  | { type: "retry"; step: PipelineStep; reason: TransientReason; attempt: number };

export type PipelineEventListener = (event: PipelineEvent) => void;
