import { setTimeout as sleep } from "node:timers/promises";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { SeedObject } from "../core/index.ts";

/** Attempts per object: the environments' S3 clients do not retry (the pipeline's policy does), and a busy machine drops the odd upload. */
const PUT_ATTEMPTS = 4;
const FIRST_BACKOFF_MS = 200;

/** Creates `bucket` if needed and uploads `objects`, a few at a time; an upload that fails on a transient error is tried again. */
export async function seedBucket(client: S3Client, bucket: string, objects: Iterable<SeedObject>, concurrency = 8): Promise<number> {
  await ensureBucket(client, bucket);
  const queue = [...objects];
  let uploaded = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        await putWithRetries(client, bucket, next);
        uploaded++;
      }
    }),
  );
  return uploaded;
}

async function putWithRetries(client: S3Client, bucket: string, object: SeedObject): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body }));
      return;
    } catch (error) {
      // A PUT of the same bytes is idempotent; only a refusal (4xx other than timeout and throttling) is final.
      if (attempt >= PUT_ATTEMPTS || isRefusal(error))
        throw new Error(`could not upload ${object.key} (attempt ${attempt}): ${(error as Error).message}`, { cause: error });
      await sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1));
    }
  }
}

function isRefusal(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw error;
  }
}
