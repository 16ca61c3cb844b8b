import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onInterrupt } from "../core/index.ts";
import { descendantPids, signalEach } from "../env-kit/index.ts";

const OWNER_FILE = "owner.pid";
const PREFIXES = ["chaos-pg-", "chaos-s3-"];
const UNOWNED_MAX_AGE_MS = 10 * 60_000;

/** Creates a temporary directory for a server, stamped with this process's PID so a later sweep knows whose it is. */
export async function makeOwnedTempDir(prefix: "chaos-pg-" | "chaos-s3-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

/**
 * Creates an owned temporary directory and builds a started server in it.
 * If building fails or the process is interrupted meanwhile, the directory is
 * removed; once built, the server owns it (and removes it when it stops).
 */
export async function inOwnedTempDir<T>(prefix: "chaos-pg-" | "chaos-s3-", build: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makeOwnedTempDir(prefix);
  const unregister = onInterrupt(() => rm(dir, { recursive: true, force: true }));
  try {
    return await build(dir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  } finally {
    unregister();
  }
}

/** Starts a freshly constructed server; if it fails to come up, stops it (which also tidies up) before rethrowing. */
export async function startOrStop<T extends { stop(): Promise<void> }>(server: T, start: (server: T) => Promise<unknown>): Promise<T> {
  try {
    await start(server);
    return server;
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * Removes what a process killed outright (SIGKILL gives it no chance to
 * clean up) left behind: the temporary directories of embedded servers whose
 * owning process is gone, and any PostgreSQL still running in them.
 * Returns the directories removed.
 */
export async function sweepOrphans(): Promise<string[]> {
  const swept: string[] = [];
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const entry of entries.filter((name) => PREFIXES.some((prefix) => name.startsWith(prefix)))) {
    const root = join(tmpdir(), entry);
    if (!(await isOrphaned(root))) continue;
    const postmaster = Number((await readFile(join(root, "data", "postmaster.pid"), "utf8").catch(() => ""))?.split("\n")[0]);
    if (Number.isInteger(postmaster) && postmaster > 1 && isAlive(postmaster)) {
      signalEach([postmaster, ...descendantPids(postmaster)], "SIGKILL");
    }
    await rm(root, { recursive: true, force: true });
    swept.push(root);
  }
  return swept;
}

async function isOrphaned(root: string): Promise<boolean> {
  const owner = Number(await readFile(join(root, OWNER_FILE), "utf8").catch(() => Number.NaN));
  if (Number.isInteger(owner) && owner > 0) return !isAlive(owner);
  const info = await stat(root).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > UNOWNED_MAX_AGE_MS;
}

/** Whether any process has this PID: one of another user (EPERM) counts, so a directory it may own is kept. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
