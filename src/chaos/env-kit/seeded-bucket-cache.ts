import { createHash } from "node:crypto";
import { join } from "node:path";
import { isKept, keepDirectory } from "./kept-directory.ts";
import type { SeedObject } from "../core/index.ts";

/** Set by the test run (vitest's global setup): where seeded buckets are kept for the length of the run. */
export const SEEDED_BUCKET_CACHE_VARIABLE = "CHAOS_SEEDED_BUCKET_CACHE_DIR";

/** Below this many objects, uploading is as cheap as copying. */
const MIN_OBJECTS = 50;

/**
 * A bucket as an S3 server stores it, seen from outside the S3 API: copied
 * out once after an upload, copied into a fresh server's empty bucket later.
 */
export interface StoredBucket {
  /**
   * What a kept copy is and where it fits: the S3 server's on-disk format, the
   * form of the copy, the bucket's name where the copy holds it. A copy is only
   * restored into a bucket of the same description.
   */
  readonly description: string;
  /** Whether the bucket holds no object. */
  isEmpty(): Promise<boolean>;
  /** Copies the bucket's stored objects into `destination`, a directory that does not exist yet. */
  saveTo(destination: string): Promise<void>;
  /** Copies a kept copy (what {@link saveTo} wrote) into the bucket. */
  restoreFrom(kept: string): Promise<void>;
}

/**
 * Seeded buckets, by content, for the length of a test run. Every scenario
 * seeds the same corpus into a fresh S3 server: 1,000 uploads cost seconds of
 * CPU in the client and in the server each time. The first upload of a corpus
 * into an empty bucket is kept as a copy of what the server stored; later
 * environments copy that in instead. s3rver keeps no state beside its files
 * (it lists and reads them on each request), so the copied objects are served
 * exactly as uploaded ones: same keys, bytes and ETags.
 */
export class SeededBucketCache {
  constructor(readonly directory: string) {}

  /** The cache of this test run, or undefined outside one (every environment then uploads its objects). */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): SeededBucketCache | undefined {
    const directory = env[SEEDED_BUCKET_CACHE_VARIABLE]?.trim();
    return directory ? new SeededBucketCache(directory) : undefined;
  }

  /**
   * Seeds `objects` into `bucket`: a copy of the kept bucket when there is
   * one, else `upload` (then kept). Only an empty bucket is seeded from or
   * kept in the cache, so a kept bucket holds exactly these objects; anything
   * else is uploaded as usual.
   */
  async seed(bucket: StoredBucket, objects: readonly SeedObject[], upload: () => Promise<number>): Promise<number> {
    if (objects.length < MIN_OBJECTS || !(await bucket.isEmpty())) return upload();
    const kept = join(this.directory, `${contentKey(objects)}-${hashOf(bucket.description).slice(0, 16)}`);
    if (await isKept(kept)) {
      await bucket.restoreFrom(kept);
      return objects.length;
    }
    const uploaded = await upload();
    await keepDirectory(kept, (destination) => bucket.saveTo(destination));
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

function hashOf(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
