/**
 * The journal of the last fault-space exploration (`explore.json` in the
 * reports directory), which `chaos-control explore` and the scenarios'
 * exploration selection write, and the resilience report shows as a section.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import type { ExplorationJournal } from "../core/index.ts";
import { compileSchema, fieldName, loadSchema, schemaProblems } from "../json-schema/index.ts";
import { JournalFormatError } from "./journal-format-error.ts";

/** The exploration journal's file name in the reports directory. */
export const EXPLORATION_FILE = "explore.json";

/** Name of its JSON Schema in `schemas/`. */
export const EXPLORATION_SCHEMA_FILE = "exploration.schema.json";

let validator: ValidateFunction | undefined;

/**
 * Reads `reportsDir/explore.json`: undefined when there is none (no
 * exploration ran); a file that is not JSON or not an exploration journal
 * throws a {@link JournalFormatError} naming the file and the field.
 */
export async function readExplorationJournal(reportsDir: string): Promise<ExplorationJournal | undefined> {
  const file = join(reportsDir, EXPLORATION_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JournalFormatError(file, "(file)", `is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  validator ??= compileSchema(loadSchema(EXPLORATION_SCHEMA_FILE));
  if (validator(value)) return value as ExplorationJournal;
  const [first] = schemaProblems(validator.errors ?? [], value);
  throw new JournalFormatError(file, first ? fieldName(first.path) : "(file)", first?.message ?? "does not match the exploration journal schema");
}

/** Removes `reportsDir/explore.json`, so a report never shows an exploration of an earlier run as this one's. */
export async function removeExplorationJournal(reportsDir: string): Promise<void> {
  await rm(join(reportsDir, EXPLORATION_FILE), { force: true });
}
