import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { SeedObject } from "../core/index.ts";

/** Creates `bucket` if needed and uploads `objects`, a few at a time. */
export async function seedBucket(client: S3Client, bucket: string, objects: Iterable<SeedObject>, concurrency = 8): Promise<number> {
  await ensureBucket(client, bucket);
  const queue = [...objects];
  let uploaded = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: next.key, Body: next.body }));
        uploaded++;
      }
    }),
  );
  return uploaded;
}

export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw error;
  }
}
