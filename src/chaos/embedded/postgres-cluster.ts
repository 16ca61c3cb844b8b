import { spawn } from "node:child_process";
import { trackChild } from "../core/index.ts";
import { LogTail } from "../env-kit/index.ts";
import type { OsIdentity, PostgresBinaries } from "./postgres-binaries.ts";

/** The superuser of every cluster; it has no password until the started server is given one (see superuser-password.ts). */
export const SUPERUSER = "postgres";

/**
 * How every cluster is initialised, a kept template's included. No password
 * goes in: a template is shared by many servers, and each must get its own.
 * TCP logins need SCRAM; connections over the unix socket are trusted, which
 * is how a started server is given its password. That socket lies in the
 * server's own temporary directory (mode 0700, owned by the OS user the server
 * runs as), so only that user and root can reach it, and they can read the
 * data directory anyway: trust there grants nobody anything new.
 */
export const INITDB_OPTIONS: readonly string[] = [
  `--username=${SUPERUSER}`,
  "--auth-local=trust",
  "--auth-host=scram-sha-256",
  "--encoding=UTF8",
  "--no-locale",
  "--no-sync",
];

/** Creates a new, stopped cluster in `dataDir` (which must not exist yet or be empty), as `identity` when running as root. */
export async function initdb(binaries: PostgresBinaries, identity: OsIdentity | undefined, dataDir: string): Promise<void> {
  await runTool("initdb", binaries.initdb, [`--pgdata=${dataDir}`, ...INITDB_OPTIONS], identity);
}

/**
 * Copies a stopped cluster's data directory to `to` (which must not exist),
 * keeping owners and modes: as root, the files stay the postgres OS user's.
 * `cp -a` does without initdb's bootstrap of three databases (its user CPU);
 * measured against a tar pipe and `cp -r` keeping mode and owner only, it was no slower.
 */
export async function copyCluster(from: string, to: string): Promise<void> {
  await runTool("cp", "cp", ["-a", "--", from, to]);
}

async function runTool(name: string, command: string, args: string[], identity?: OsIdentity): Promise<void> {
  const log = new LogTail(100);
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...(identity ?? {}), env: { ...process.env, LC_ALL: "C" } });
  trackChild(child);
  child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0) throw new Error(`${name} failed with exit code ${code}:\n${log.text()}`);
}
