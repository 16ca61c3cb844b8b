import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * A directory kept in a per-run cache for later copies (seeded buckets,
 * Postgres template clusters). It appears only by an atomic rename of a
 * complete copy, so a concurrent reader sees none or a whole one; when two
 * keep the same thing, the first rename wins and the other's copy is dropped.
 */
export async function keepDirectory(kept: string, copyTo: (destination: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(kept), { recursive: true });
  const temporary = `${kept}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await copyTo(temporary);
    await rename(temporary, kept);
  } catch (error) {
    // Another one kept it first (rename onto a non-empty directory fails): theirs is as good.
    if (!(await isKept(kept))) throw error;
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

/** Whether `kept` holds a kept directory. */
export async function isKept(kept: string): Promise<boolean> {
  try {
    return (await stat(kept)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
