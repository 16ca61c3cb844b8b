import { randomBytes } from "node:crypto";

/** Postgres truncates longer identifiers (NAMEDATALEN - 1), so two long labels could name one database. */
export const POSTGRES_IDENTIFIER_MAX_LENGTH = 63;

/**
 * A fresh database name for one pipeline run: the label, lower-cased, with
 * anything but `[a-z0-9_]` replaced, and a random suffix. Longer names keep
 * their end, so the suffix that makes them unique survives.
 */
export function pipelineDatabaseName(label: string): string {
  return `${label}_${randomBytes(4).toString("hex")}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_")
    .slice(-POSTGRES_IDENTIFIER_MAX_LENGTH);
}
