import type { ChaosEnvironment, EnvironmentKind } from "../core/index.ts";
import { EmbeddedEnvironment } from "../embedded/index.ts";

/** The variable that picks the environment scenarios run on. */
export const ENVIRONMENT_VARIABLE = "CHAOS_ENV";

const KINDS: readonly EnvironmentKind[] = ["embedded", "containers", "kubernetes", "external"];

/** The environment kind asked for by `CHAOS_ENV` (embedded by default); a bad value names the variable. */
export function selectedEnvironmentKind(value = process.env[ENVIRONMENT_VARIABLE]): EnvironmentKind {
  const kind = (value ?? "").trim() || "embedded";
  if (!KINDS.includes(kind as EnvironmentKind)) throw new Error(`${ENVIRONMENT_VARIABLE} must be one of ${KINDS.join(", ")}, got ${JSON.stringify(value)}`);
  return kind as EnvironmentKind;
}

/** What a scenario may need from its environment beyond the defaults. */
export interface EnvironmentRequirements {
  /** Postgres settings (e.g. a small `max_connections` so exhaustion is cheap). */
  postgresSettings?: Record<string, string>;
}

/** Starts the selected environment; the caller stops it. */
export async function startEnvironment(kind: EnvironmentKind, requirements: EnvironmentRequirements = {}): Promise<ChaosEnvironment> {
  switch (kind) {
    case "embedded":
      return new EmbeddedEnvironment().withPostgresSettings(requirements.postgresSettings ?? {}).start();
    case "kubernetes": {
      // requirements.postgresSettings are not applied on a cluster: its Postgres is configured by
      // its Helm release (infra/helm/postgresql, e.g. max_connections), not per scenario.
      // Imported on demand, so the embedded path never loads @kubernetes/client-node.
      const { KubernetesEnvironment, kubernetesEnvironmentInputFromEnv } = await import("../kubernetes/index.ts");
      return KubernetesEnvironment.start(kubernetesEnvironmentInputFromEnv());
    }
    case "containers": {
      const { ContainersEnvironment } = await import("../containers/index.ts");
      return new ContainersEnvironment().withPostgresSettings(requirements.postgresSettings ?? {}).start();
    }
    case "external": {
      // requirements.postgresSettings are not applied: the user's Postgres is theirs to configure.
      const { ExternalEnvironment } = await import("../external/index.ts");
      return new ExternalEnvironment().start();
    }
  }
}
