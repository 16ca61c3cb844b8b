import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";

/**
 * A hash of the code at `paths` (files, or folders read recursively; test
 * files left out), so a golden run is reused only while the code under test
 * is unchanged: a fix or a seeded bug computes it afresh.
 */
export async function sourceFingerprint(paths: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const path of paths) {
    const files = (await stat(path)).isDirectory() ? await sourceFiles(path) : [path];
    for (const file of files) {
      hash.update(`\0${relative(path, file)}\0`);
      hash.update(await readFile(file));
    }
  }
  return hash.digest("hex");
}

async function sourceFiles(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && /\.(ts|mjs|js)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
