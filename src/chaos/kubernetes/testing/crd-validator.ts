/**
 * Checks objects against Chaos Mesh's own CustomResourceDefinitions: the
 * openAPIV3Schema an API server with Chaos Mesh installed validates with.
 * Kubernetes prunes unknown fields silently, so by default unknown fields are
 * errors here (like `kubectl --validate=strict`): a misspelt field fails.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parse } from "yaml";

/** Where the CRDs are: $CHAOS_MESH_CRD_DIR, else the shared copy. */
export const CRD_DIR = process.env.CHAOS_MESH_CRD_DIR ?? "/work/shared/k8s/chaos-mesh-crds";

/** Whether the CRD files can be read here (tests say so in their name when they cannot). */
export const crdsAvailable = existsSync(join(CRD_DIR, "podchaos.yaml"));

const FILES: Record<string, string> = {
  PodChaos: "podchaos.yaml",
  NetworkChaos: "networkchaos.yaml",
  StressChaos: "stresschaos.yaml",
  IOChaos: "iochaos.yaml",
  HTTPChaos: "httpchaos.yaml",
};

const INT32 = 2 ** 31;

export class CrdValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly rejectUnknownFields = true) {
    this.ajv.addFormat("int32", { type: "number", validate: (value: number) => Number.isInteger(value) && value >= -INT32 && value < INT32 });
    this.ajv.addFormat("int64", { type: "number", validate: (value: number) => Number.isInteger(value) });
    this.ajv.addFormat("byte", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
    this.ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  }

  /** The schema violations of `object` (by its `kind` and `apiVersion`), as "path: message" lines; empty when valid. */
  errors(object: object): string[] {
    const { kind, apiVersion } = object as { kind?: string; apiVersion?: string };
    const validate = this.validator(kind ?? "", apiVersion ?? "");
    if (validate(object)) return [];
    return (validate.errors ?? []).map(describe);
  }

  private validator(kind: string, apiVersion: string): ValidateFunction {
    const cached = this.compiled.get(`${apiVersion}/${kind}`);
    if (cached) return cached;
    const file = FILES[kind];
    if (!file) throw new Error(`no CRD known for kind ${JSON.stringify(kind)}`);
    const crd = parse(readFileSync(join(CRD_DIR, file), "utf8")) as {
      spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] };
    };
    const version = crd.spec.versions.find((candidate) => `${crd.spec.group}/${candidate.name}` === apiVersion);
    if (!version || crd.spec.names.kind !== kind) throw new Error(`${file} defines no ${apiVersion} ${kind}`);
    const schema = structuredClone(version.schema.openAPIV3Schema);
    if (this.rejectUnknownFields) closeObjects(schema);
    const validate = this.ajv.compile(schema);
    this.compiled.set(`${apiVersion}/${kind}`, validate);
    return validate;
  }
}

/** Adds `additionalProperties: false` to every object schema that lists its properties and says nothing about others. */
function closeObjects(schema: unknown): void {
  if (typeof schema !== "object" || schema === null) return;
  const node = schema as Record<string, unknown>;
  if (node.properties && node.additionalProperties === undefined && node["x-kubernetes-preserve-unknown-fields"] !== true) node.additionalProperties = false;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) value.forEach(closeObjects);
    else closeObjects(value);
  }
}

function describe(error: ErrorObject): string {
  const extra =
    error.keyword === "additionalProperties"
      ? ` (${(error.params as { additionalProperty: string }).additionalProperty})`
      : error.keyword === "enum"
        ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")})`
        : "";
  return `${error.instancePath || "/"}: ${error.message}${extra}`;
}
