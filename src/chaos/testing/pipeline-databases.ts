import { randomBytes } from "node:crypto";
import type { StartedEmbeddedEnvironment } from "../embedded/index.ts";

/** A fresh, empty database on the environment's server, so tests sharing one server never see each other's rows. */
export async function freshDatabaseUrl(env: StartedEmbeddedEnvironment, label = "t"): Promise<string> {
  const name = `${label}_${randomBytes(4).toString("hex")}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  await env.postgres.createDatabase(name);
  return env.postgres.connectionUri(name);
}
