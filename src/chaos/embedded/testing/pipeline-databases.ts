import type { StartedEmbeddedEnvironment } from "../index.ts";
import { pipelineDatabaseName } from "../../env-kit/index.ts";

/** A fresh, empty database on the environment's server, so tests sharing one server never see each other's rows. */
export async function freshDatabaseUrl(env: StartedEmbeddedEnvironment, label = "t"): Promise<string> {
  const name = pipelineDatabaseName(label);
  await env.postgres.createDatabase(name);
  return env.postgres.connectionUri(name);
}
