import type { FaultRecord } from "../core/index.ts";
import type {
  CommitAckLostObservations,
  ConnectionExhaustionObservations,
  CpuPressureObservations,
  MemoryPressureObservations,
  PostgresFaultObservations,
  S3FaultObservations,
  SlowQueriesObservations,
} from "../faults/index.ts";

/**
 * What each fault kind observes, by `FaultDescription.kind`, for the kinds
 * whose observations have a type: as the shared mechanics of `faults/`
 * observe them (embedded and containers environments). A scenario that names
 * the kind reads them without casts:
 * `faultNamed(journal, "busy CPU", "cpu-pressure").observations.cpuTimeMs`.
 * On Kubernetes the same kinds are Chaos Mesh objects, which observe
 * ChaosFaultObservations instead; {@link ofKind} refuses those.
 */
export interface FaultObservationsByKind {
  "cpu-pressure": CpuPressureObservations;
  "memory-pressure": MemoryPressureObservations;
  "postgres/connection-exhaustion": ConnectionExhaustionObservations;
  "postgres/slow-queries": SlowQueriesObservations;
  "postgres/error": PostgresFaultObservations<"error">;
  "postgres/commit-ack-lost": CommitAckLostObservations;
  "postgres/copy-cut": PostgresFaultObservations<"cutMidCopy">;
  "postgres/hold": PostgresFaultObservations<"hold">;
  "postgres/reset": PostgresFaultObservations<"reset">;
  "s3/error": S3FaultObservations;
  "s3/latency": S3FaultObservations;
  "s3/hang": S3FaultObservations;
  "s3/reset": S3FaultObservations;
  "s3/truncate": S3FaultObservations;
  "s3/corrupt": S3FaultObservations;
}

/** A fault kind whose observations have a type. */
export type ObservedFaultKind = keyof FaultObservationsByKind;

/** A journal's fault record of a known kind; the trigger's evidence (e.g. `statementInFlight`) may sit beside the fault's own observations. */
export type TypedFaultRecord<K extends ObservedFaultKind> = FaultRecord & {
  kind: K;
  observations: FaultObservationsByKind[K] & Readonly<Record<string, unknown>>;
};

/** Narrows `record` to `kind`, or throws naming the kind it has (or the Chaos Mesh object it was injected as). */
export function ofKind<K extends ObservedFaultKind>(record: FaultRecord, kind: K): TypedFaultRecord<K> {
  if (record.kind !== kind) throw new Error(`fault "${record.name}" is of kind ${record.kind}, not ${kind}`);
  const chaosObject = record.observations.object;
  if (typeof chaosObject === "string" || record.observations.dryRun === true) {
    throw new Error(
      `fault "${record.name}" (${kind}) was injected as ${typeof chaosObject === "string" ? chaosObject : "a dry run"}: its observations are not those of ${kind}`,
    );
  }
  return record as TypedFaultRecord<K>;
}
