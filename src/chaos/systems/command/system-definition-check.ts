import type { SystemDefinition } from "../../core/index.ts";

const PROTOCOLS = ["postgres", "s3", "http", "tcp"];
const LAUNCHES = ["command", "container", "kubernetes-job"];
const PROGRESS = ["sql", "prometheus", "http"];
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Throws an error naming the field when `definition` cannot describe a runnable system. */
export function validateDefinition(definition: SystemDefinition): void {
  const where = `system ${JSON.stringify(definition?.name ?? "")}`;
  const fail = (field: string, problem: string): never => {
    throw new Error(`${where}: ${field} ${problem}`);
  };
  if (typeof definition?.name !== "string" || definition.name.trim() === "") fail("name", "is required");
  const { launch, progress, integrity } = definition;
  if (!LAUNCHES.includes(launch?.kind)) fail("launch.kind", `must be one of ${LAUNCHES.join(", ")}`);
  if (launch.kind === "command" && (typeof launch.command !== "string" || launch.command === "")) fail("launch.command", "is required");
  if (launch.kind !== "command" && (typeof launch.image !== "string" || launch.image === "")) fail("launch.image", "is required");
  if (!Array.isArray(definition.dependencies)) fail("dependencies", "must be a list");
  const names = new Set<string>();
  definition.dependencies.forEach((dependency, index) => {
    const field = `dependencies[${index}]`;
    if (typeof dependency?.name !== "string" || dependency.name === "") fail(`${field}.name`, "is required");
    if (names.has(dependency.name)) fail(`${field}.name`, `repeats "${dependency.name}"`);
    names.add(dependency.name);
    if (!PROTOCOLS.includes(dependency.protocol)) fail(`${field}.protocol`, `must be one of ${PROTOCOLS.join(", ")}`);
    if (typeof dependency.env !== "string" || !ENV_NAME.test(dependency.env)) fail(`${field}.env`, "must be an environment variable name (A-Z, 0-9, _)");
    if (dependency.protocol === "http" && !/^https?:\/\/[^/]+:\d+/.test(dependency.upstream ?? ""))
      fail(`${field}.upstream`, "must be an http URL with a port");
    if (dependency.protocol === "tcp" && !/^[^:/]+:\d+$/.test(dependency.upstream ?? "")) fail(`${field}.upstream`, "must be host:port");
  });
  if (!PROGRESS.includes(progress?.kind)) fail("progress.kind", `must be one of ${PROGRESS.join(", ")}`);
  if (typeof progress.done !== "string" || progress.done === "") fail("progress.done", "is required");
  if (integrity?.kind === "sql") {
    if (typeof integrity.queries !== "object" || integrity.queries === null || Object.keys(integrity.queries).length === 0)
      fail("integrity.queries", "must name at least one query");
  } else if (integrity?.kind === "command") {
    if (typeof integrity.command !== "string" || integrity.command === "") fail("integrity.command", "is required");
  } else fail("integrity.kind", "must be sql or command");
  if (!Number.isInteger(definition.workUnits) || definition.workUnits <= 0) fail("workUnits", `must be a positive integer, got ${definition.workUnits}`);
}
