import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { StoredBucket } from "../env-kit/index.ts";
import type { ServiceContainer } from "./service-container.ts";

/** The file of a kept copy: the engine's archive of the bucket's directory. */
const ARCHIVE = "bucket.tar";

/**
 * A bucket of the local S3 image (s3rver with MinIO's interface, data in
 * `dataDirectory`), for the seeded-bucket cache: copied out and in through
 * the engine's archive API, so it works wherever the engine runs. Only for
 * s3rver's on-disk format; MinIO's own image uploads every time.
 */
export class S3rverContainerBucket implements StoredBucket {
  readonly description: string;

  constructor(
    private readonly container: ServiceContainer,
    private readonly s3: S3Client,
    readonly image: string,
    private readonly dataDirectory: string,
    readonly bucket: string,
  ) {
    this.description = `s3rver in ${image}, archive of ${dataDirectory}/${bucket}`;
  }

  async isEmpty(): Promise<boolean> {
    const listed = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, MaxKeys: 1 }));
    return (listed.KeyCount ?? listed.Contents?.length ?? 0) === 0;
  }

  async saveTo(destination: string): Promise<void> {
    await mkdir(destination);
    await pipeline(await this.container.archiveOf(`${this.dataDirectory}/${this.bucket}`), createWriteStream(join(destination, ARCHIVE)));
  }

  restoreFrom(kept: string): Promise<void> {
    return this.container.extractInto(this.dataDirectory, createReadStream(join(kept, ARCHIVE)));
  }
}
