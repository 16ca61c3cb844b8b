import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeOwnedTempDir, sweepOrphans } from "./orphan-sweeper.ts";

describe("sweepOrphans", () => {
  it("removes server directories whose owning process is gone and keeps those of live owners", async () => {
    const deadPid = spawnSync("true").pid;
    const orphan = await makeOwnedTempDir("chaos-s3-");
    await writeFile(join(orphan, "owner.pid"), String(deadPid));
    const mine = await makeOwnedTempDir("chaos-pg-");
    try {
      const swept = await sweepOrphans();
      expect(swept).toContain(orphan);
      expect(existsSync(orphan)).toBe(false);
      expect(existsSync(mine)).toBe(true);
    } finally {
      await rm(orphan, { recursive: true, force: true });
      await rm(mine, { recursive: true, force: true });
    }
  });
});
