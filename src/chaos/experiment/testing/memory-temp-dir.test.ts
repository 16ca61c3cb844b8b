import { existsSync } from "node:fs";
import { mkdir, rm, stat, statfs } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { useMemoryTempDir } from "./memory-temp-dir.ts";

const TMPFS_MAGIC = 0x01021994;
const ramDisk = await statfs("/dev/shm").then(
  (stats) => stats.type === TMPFS_MAGIC,
  () => false,
);

describe("a test run's temporary files in memory", () => {
  it("keeps a TMPDIR the user set", async () => {
    const env: NodeJS.ProcessEnv = { TMPDIR: "/var/tmp" };
    const undo = await useMemoryTempDir(env);
    expect(env.TMPDIR).toBe("/var/tmp");
    await undo();
    expect(env.TMPDIR).toBe("/var/tmp");
  });

  it.skipIf(!ramDisk)(
    "points TMPDIR at a directory of its own on /dev/shm that every user may write to, removed by the undo" +
      (ramDisk ? "" : " [skipped: /dev/shm is not a tmpfs here]"),
    async () => {
      const env: NodeJS.ProcessEnv = {};
      const undo = await useMemoryTempDir(env);
      const directory = env.TMPDIR!;
      expect(directory).toMatch(new RegExp(`^/dev/shm/chaos-tmp-${process.pid}-`));
      expect((await stat(directory)).mode & 0o7777).toBe(0o1777);
      await mkdir(`${directory}/left-behind`);
      await undo();
      expect(env.TMPDIR).toBeUndefined();
      expect(existsSync(directory)).toBe(false);
    },
  );

  it.skipIf(!ramDisk)("removes the directory of a run killed before its teardown (its process is gone), not a live run's", async () => {
    // PID 2^22 + 1 is above Linux's pid_max ceiling: no process can have it.
    const abandoned = "/dev/shm/chaos-tmp-4194305-test";
    const live = `/dev/shm/chaos-tmp-${process.pid}-live-test`;
    await mkdir(abandoned, { recursive: true });
    await mkdir(live, { recursive: true });
    try {
      const undo = await useMemoryTempDir({});
      await undo();
      expect(existsSync(abandoned)).toBe(false);
      expect(existsSync(live)).toBe(true);
    } finally {
      await Promise.all([rm(abandoned, { recursive: true, force: true }), rm(live, { recursive: true, force: true })]);
    }
  });
});
