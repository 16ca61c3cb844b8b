/** The project's JSON Schemas (`schemas/`), compiled with ajv, and their errors as one problem per field. */
export { compileSchema, loadSchema, schemaProblems, fieldName, type DataPath, type SchemaProblem } from "./schema-problems.ts";
