import { cp, readdir } from "node:fs/promises";
import type { StoredBucket } from "../env-kit/index.ts";

/** An s3rver bucket as the directory it keeps on this machine, for the seeded-bucket cache: copied file by file. */
export class S3rverBucketDirectory implements StoredBucket {
  readonly description = "s3rver directory";

  constructor(readonly path: string) {}

  async isEmpty(): Promise<boolean> {
    try {
      return (await readdir(this.path)).length === 0;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }

  saveTo(destination: string): Promise<void> {
    return cp(this.path, destination, { recursive: true });
  }

  restoreFrom(kept: string): Promise<void> {
    return cp(kept, this.path, { recursive: true });
  }
}
