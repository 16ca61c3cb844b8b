import { createHash } from "node:crypto";
import { cp, readdir } from "node:fs/promises";
import { join } from "node:path";
import { isKept, keepDirectory } from "./kept-directory.ts";
import type { SeedObject } from "../core/index.ts";

/** Set by the test run (vitest's global setup): where seeded buckets are kept for the length of the run. */
export const SEEDED_BUCKET_CACHE_VARIABLE = "CHAOS_SEEDED_BUCKET_CACHE_DIR";

/** Below this many objects, uploading is as cheap as copying. */
const MIN_OBJECTS = 50;

/**
 * s3rver's on-disk buckets, by content, for the length of a test run. Every
 * scenario seeds the same corpus into a fresh s3rver: 1,000 uploads cost
 * seconds of CPU in the client and in s3rver each time. The first upload of a
 * corpus into an empty bucket is kept as a copy of the bucket's directory;
 * later environments copy that directory in instead. s3rver keeps no state
 * beside its files (it lists and reads them on each request), so the copied
 * objects are served exactly as uploaded ones: same keys, bytes and ETags.
 */
export class SeededBucketCache {
  constructor(readonly directory: string) {}

  /** The cache of this test run, or undefined outside one (every environment then uploads its objects). */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): SeededBucketCache | undefined {
    const directory = env[SEEDED_BUCKET_CACHE_VARIABLE]?.trim();
    return directory ? new SeededBucketCache(directory) : undefined;
  }

  /**
   * Seeds `objects` into the bucket whose directory is `bucketDirectory`: a
   * copy of the kept bucket when there is one, else `upload` (then kept). Only
   * an empty bucket is seeded from or kept in the cache, so a kept bucket holds
   * exactly these objects; anything else is uploaded as usual.
   */
  async seed(bucketDirectory: string, objects: readonly SeedObject[], upload: () => Promise<number>): Promise<number> {
    if (objects.length < MIN_OBJECTS || !(await isEmptyDirectory(bucketDirectory))) return upload();
    const kept = join(this.directory, contentKey(objects));
    if (await isKept(kept)) {
      await cp(kept, bucketDirectory, { recursive: true });
      return objects.length;
    }
    const uploaded = await upload();
    await keepDirectory(kept, (destination) => cp(bucketDirectory, destination, { recursive: true }));
    return uploaded;
  }
}

/** A key for the objects' keys and bytes, in any order. */
export function contentKey(objects: readonly SeedObject[]): string {
  const hash = createHash("sha256");
  for (const object of [...objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    hash.update(`\0${object.key}\0${object.body.length}\0`);
    hash.update(object.body);
  }
  return hash.digest("hex");
}

async function isEmptyDirectory(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
