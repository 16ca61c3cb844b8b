import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

/** A path into a document's data: keys of objects, indexes of lists. */
export type DataPath = readonly (string | number)[];

/** `["method", 0, "fault"]` → `method[0].fault`; the empty path is `(file)`. */
export function fieldName(path: DataPath): string {
  let name = "";
  for (const segment of path) name += typeof segment === "number" ? `[${segment}]` : name === "" ? segment : `.${segment}`;
  return name === "" ? "(file)" : name;
}

/** The file's JSON Schema, from the repository's (or the package's) `schemas/` folder. */
export function loadSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../schemas/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
}

/** Compiles a schema that reports every error, with discriminated unions (`kind`, `type`) as one branch each. */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  return new Ajv({ allErrors: true, verbose: true, discriminator: true, strict: true, allowUnionTypes: true }).compile(schema);
}

/** A schema error as the user reads it: the field's path and what is wrong with it. */
export interface SchemaProblem {
  path: DataPath;
  /** The problem is the key itself (an unknown field), not its value. */
  atKey: boolean;
  message: string;
}

/**
 * Turns ajv's errors into one problem per field: a missing field named by
 * its own path, an unknown field by its key, a wrong discriminator by the
 * `kind`/`type` it names, and the branches of an `anyOf` folded into one
 * problem quoting the schema's description.
 */
export function schemaProblems(errors: readonly ErrorObject[], data: unknown): SchemaProblem[] {
  const anyOfFailures = errors.filter((error) => error.keyword === "anyOf");
  const inFailedAnyOf = (error: ErrorObject) =>
    error.keyword !== "anyOf" &&
    anyOfFailures.some((anyOf) => error.schemaPath.startsWith(`${anyOf.schemaPath}/`) && error.instancePath.startsWith(anyOf.instancePath));
  const problems = new Map<string, SchemaProblem>();
  for (const error of errors) {
    if (inFailedAnyOf(error)) continue;
    const problem = describe(error, dataPath(error.instancePath, data));
    if (problem === undefined) continue;
    const id = `${problem.path.join("\u0000")}|${problem.atKey}`;
    if (!problems.has(id)) problems.set(id, problem);
  }
  return [...problems.values()];
}

function describe(error: ErrorObject, path: DataPath): SchemaProblem | undefined {
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as {
    properties?: Record<string, unknown>;
    description?: string;
    oneOf?: { properties?: Record<string, { const?: unknown }> }[];
  };
  const known = Object.keys(parent.properties ?? {}).filter((name) => name !== "$schema");
  switch (error.keyword) {
    case "required":
      return { path: [...path, String(params.missingProperty)], atKey: false, message: "is required" };
    case "additionalProperties":
      return { path: [...path, String(params.additionalProperty)], atKey: true, message: `is not a field here; expected ${known.join(", ")}` };
    case "discriminator": {
      const tag = String(params.tag);
      const values = (parent.oneOf ?? []).map((branch) => branch.properties?.[tag]?.const).filter((value) => value !== undefined);
      return { path: [...path, tag], atKey: false, message: `must be one of ${values.join(", ")}, got ${show(params.tagValue)}` };
    }
    case "minProperties":
    case "maxProperties":
      return parent.properties && Number(params.limit) === 1
        ? { path, atKey: false, message: `needs exactly one of ${known.join(", ")}` }
        : { path, atKey: false, message: `must not be empty` };
    case "enum":
      return { path, atKey: false, message: `must be one of ${(params.allowedValues as unknown[]).join(", ")}, got ${show(error.data)}` };
    case "type":
      return path.length === 0
        ? { path, atKey: false, message: `must hold ${error.schema === "object" ? "a JSON object" : `a ${String(error.schema)}`}, got ${show(error.data)}` }
        : { path, atKey: false, message: `must be ${String(error.schema)}, got ${show(error.data)}` };
    case "const":
      return { path, atKey: false, message: `must be ${show(params.allowedValue)}, got ${show(error.data)}` };
    case "anyOf":
      return {
        path,
        atKey: false,
        message: `${parent.description ? `must be ${lowerFirst(parent.description)}` : "matches none of the allowed shapes"}; got ${show(error.data)}`,
      };
    case "oneOf":
    case "if":
      return undefined;
    default:
      return { path, atKey: false, message: `${error.message ?? "is invalid"}, got ${show(error.data)}` };
  }
}

/** ajv's JSON pointer as keys and list indexes. */
function dataPath(pointer: string, data: unknown): DataPath {
  if (pointer === "") return [];
  const path: (string | number)[] = [];
  let value = data;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(value)) {
      path.push(Number(segment));
      value = value[Number(segment)];
    } else {
      path.push(segment);
      value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 59)}…` : json;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, "");
}
