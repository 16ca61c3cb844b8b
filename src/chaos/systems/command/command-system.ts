import { createHash } from "node:crypto";
import {
  UnsupportedFaultError,
  type AttachedSystem,
  type ChaosEnvironment,
  type HostPort,
  type SystemDefinition,
  type SystemDependency,
  type SystemUnderTest,
} from "../../core/index.ts";
import { freePort } from "../../env-kit/index.ts";
import { sourceFingerprint } from "../source-fingerprint.ts";
import { startCommand } from "./command-process.ts";
import { judgeOutput, readOutput, type OracleSnapshot } from "./integrity-oracle.ts";
import { progressReader } from "./progress-reader.ts";
import { validateDefinition } from "./system-definition-check.ts";

/**
 * A {@link SystemUnderTest} from a declarative definition: its command is
 * started with each dependency's address in the variable the definition
 * names (Postgres: the run's database through the environment's fault
 * layers; http/tcp: a proxy of the environment in front of the upstream),
 * its progress read as declared, its output judged by its oracle.
 *
 *     const system = commandSystem({ name: "item-sync", launch: { kind: "command", command: "node", args: ["sync.js"] }, … });
 */
export function commandSystem(definition: SystemDefinition): SystemUnderTest {
  validateDefinition(definition);
  return {
    name: definition.name,
    launch: definition.launch,
    dependencies: definition.dependencies,
    workUnits: () => definition.workUnits,
    fingerprint: async () => {
      const hash = createHash("sha256").update(JSON.stringify(definition));
      if (definition.sources) hash.update(await sourceFingerprint(definition.sources));
      return hash.digest("hex");
    },
    attach: (env) => attach(definition, env),
  };
}

async function attach(definition: SystemDefinition, env: ChaosEnvironment): Promise<AttachedSystem> {
  const { launch, name } = definition;
  if (launch.kind !== "command")
    throw new UnsupportedFaultError(
      `starting ${name} as a ${launch.kind}`,
      env.kind,
      "only Scale runs as a container or a Kubernetes Job so far; give the system a command",
    );
  const own = definition.dependencies.filter((dependency) => dependency.protocol === "http" || dependency.protocol === "tcp");
  const network = env.dependencyNetwork;
  if (own.length > 0 && !network)
    throw new UnsupportedFaultError(
      `the ${own[0]!.protocol} dependency "${own[0]!.name}" of ${name}`,
      env.kind,
      "this environment cannot put a proxy in front of a system's own dependency",
    );
  const addresses = new Map<string, string>();
  for (const dependency of own) addresses.set(dependency.name, proxiedAddress(dependency, await network!.expose(dependency.name, upstreamOf(dependency))));
  return {
    start: async (request) => {
      const proxied = env.pipelineConfig(request.prefix, { database: request.database });
      const direct = env.pipelineConfig(request.prefix, { database: request.database, direct: true });
      const port = definition.progress.kind === "sql" ? undefined : await freePort();
      const variables: Record<string, string> = port === undefined ? {} : { PORT: String(port) };
      for (const dependency of definition.dependencies) Object.assign(variables, variablesOf(dependency, proxied, addresses));
      const directUrl = direct.databaseUrl ?? "";
      const secrets = [proxied.databaseUrl ?? "", directUrl, proxied.s3?.credentials?.secretAccessKey ?? ""];
      return startCommand(launch, variables, progressReader(definition.progress, { databaseUrl: directUrl, port }), secrets);
    },
    snapshot: (database) => readOutput(definition.integrity, database.url),
    judge: async (golden, actual) => judgeOutput(golden as OracleSnapshot, actual as OracleSnapshot, definition.workUnits),
    quarantined: async () => null,
    dependencies: {
      toxic: async (dependency, spec) => network!.toxic(ownDependency(definition, own, dependency), spec),
      partition: async (dependency) => network!.partition(ownDependency(definition, own, dependency)),
    },
    addressOf: (dependency) => addresses.get(dependency),
    [Symbol.asyncDispose]: async () => undefined,
  };
}

function ownDependency(definition: SystemDefinition, own: readonly SystemDependency[], name: string): string {
  if (!own.some((dependency) => dependency.name === name))
    throw new Error(
      `${definition.name} has no http or tcp dependency named "${name}" (it has: ${own.map((dependency) => dependency.name).join(", ") || "none"})`,
    );
  return name;
}

function upstreamOf(dependency: SystemDependency): HostPort {
  const upstream = dependency.upstream!;
  const url = new URL(dependency.protocol === "http" ? upstream : `tcp://${upstream}`);
  return { host: url.hostname, port: Number(url.port || (url.protocol === "https:" ? 443 : 80)) };
}

/** The address the system is given: the upstream's, with the proxy's host and port. */
function proxiedAddress(dependency: SystemDependency, proxy: HostPort): string {
  if (dependency.protocol === "tcp") return `${proxy.host}:${proxy.port}`;
  const url = new URL(dependency.upstream!);
  url.host = `${proxy.host}:${proxy.port}`;
  return url.toString();
}

function variablesOf(
  dependency: SystemDependency,
  config: ReturnType<ChaosEnvironment["pipelineConfig"]>,
  addresses: ReadonlyMap<string, string>,
): Record<string, string> {
  switch (dependency.protocol) {
    case "postgres":
      return { [dependency.env]: config.databaseUrl ?? "" };
    case "s3": {
      const s3 = config.s3 ?? {};
      return {
        [dependency.env]: s3.endpoint ?? "",
        [`${dependency.env}_BUCKET`]: s3.bucket ?? "",
        [`${dependency.env}_PREFIX`]: s3.prefix ?? "",
        ...(s3.region ? { AWS_REGION: s3.region } : {}),
        ...(s3.credentials ? { AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey } : {}),
      };
    }
    default:
      return { [dependency.env]: addresses.get(dependency.name)! };
  }
}
