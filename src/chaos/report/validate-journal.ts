import type { ExperimentStatus, Journal } from "../core/index.ts";
import { JournalFormatError } from "./journal-format-error.ts";

const STATUSES: readonly ExperimentStatus[] = ["completed", "failed", "aborted", "interrupted"];
const ARRAY_FIELDS = ["probes", "faults", "samples", "rollbacks"] as const;

/**
 * Checks what the report cannot do without (schema version, id, status, and
 * the shapes the renderer walks) and returns the value as a Journal. Deeper
 * checks are left to the writer's types: this only guards the reader.
 */
export function validateJournal(value: unknown, file: string): Journal {
  const fail = (field: string, problem: string): never => {
    throw new JournalFormatError(file, field, problem);
  };
  if (!isRecord(value)) return fail("(file)", `must hold a JSON object, got ${describe(value)}`);
  if (value.schemaVersion !== 1) fail("schemaVersion", `must be 1, got ${describe(value.schemaVersion)}`);
  if (typeof value.id !== "string" || value.id.trim() === "") fail("id", `must be a non-empty string, got ${describe(value.id)}`);
  if (!STATUSES.includes(value.status as ExperimentStatus)) fail("status", `must be one of ${STATUSES.join(", ")}, got ${describe(value.status)}`);
  if (typeof value.title !== "string") fail("title", `must be a string, got ${describe(value.title)}`);
  if (typeof value.cause !== "string") fail("cause", `must be a string, got ${describe(value.cause)}`);
  for (const field of ARRAY_FIELDS) {
    if (!Array.isArray(value[field])) fail(field, `must be an array, got ${describe(value[field])}`);
  }
  if (!isRecord(value.budget) || typeof value.budget.recoveryMs !== "number") {
    fail("budget.recoveryMs", `must be a number, got ${describe(isRecord(value.budget) ? value.budget.recoveryMs : value.budget)}`);
  }
  if (!isRecord(value.figures)) fail("figures", `must be an object, got ${describe(value.figures)}`);
  if (value.integrity !== null && !isRecord(value.integrity)) fail("integrity", `must be an object or null, got ${describe(value.integrity)}`);
  if (value.rerun !== undefined) {
    if (!isRecord(value.rerun) || !isRecord(value.rerun.firstRun))
      fail("rerun.firstRun", `must be an object, got ${describe(isRecord(value.rerun) ? value.rerun.firstRun : value.rerun)}`);
    const rerun = value.rerun as Record<string, unknown>;
    if (!Array.isArray(rerun.quarantinedAfterFirstRun))
      fail("rerun.quarantinedAfterFirstRun", `must be an array, got ${describe(rerun.quarantinedAfterFirstRun)}`);
    if (rerun.rerun !== null && !isRecord(rerun.rerun)) fail("rerun.rerun", `must be an object or null, got ${describe(rerun.rerun)}`);
  }
  return value as unknown as Journal;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 39)}…` : json;
}
