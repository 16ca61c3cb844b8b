import type { ValidateFunction } from "ajv";
import type { Journal } from "../core/index.ts";
import { compileSchema, fieldName, loadSchema, schemaProblems } from "../json-schema/index.ts";
import { JournalFormatError } from "./journal-format-error.ts";

/** Name of the journals' JSON Schema in `schemas/`. */
export const JOURNAL_SCHEMA_FILE = "journal.schema.json";

let validator: ValidateFunction | undefined;

/**
 * Checks a journal read from `file` against `schemas/journal.schema.json`
 * (every field the writer's `Journal` type requires, with its type) and
 * returns it as a Journal. The first problem throws a
 * {@link JournalFormatError} naming the file and the field.
 */
export function validateJournal(value: unknown, file: string): Journal {
  validator ??= compileSchema(loadSchema(JOURNAL_SCHEMA_FILE));
  if (validator(value)) return value as Journal;
  const [first] = schemaProblems(validator.errors ?? [], value);
  throw new JournalFormatError(file, first ? fieldName(first.path) : "(file)", first?.message ?? "does not match the journal schema");
}
