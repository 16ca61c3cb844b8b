import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_RETRY_POLICY, withRetry } from "../../src/pipeline/index.ts";

/** GETs of whole objects per second that the S3 server answers on its own, with nothing else in the loop. */
export interface S3ReadRate {
  objects: number;
  concurrency: number;
  objectsPerSecond: number;
  /** Mean time of one GET, body read included. */
  msPerObject: number;
}

/**
 * Reads `keys` back from the server, `concurrency` at a time as the pipeline's downloader does, to
 * compare the extraction's download step with what the server itself can serve.
 */
export async function measureS3ReadRate(client: S3Client, bucket: string, keys: readonly string[], concurrency: number): Promise<S3ReadRate> {
  let next = 0;
  let busyMs = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, keys.length) }, async () => {
      for (let index = next++; index < keys.length; index = next++) {
        const begun = performance.now();
        await withRetry(`GET ${keys[index]}`, DEFAULT_RETRY_POLICY, async () => {
          const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keys[index] }));
          await response.Body!.transformToByteArray();
        });
        busyMs += performance.now() - begun;
      }
    }),
  );
  const ms = performance.now() - started;
  return { objects: keys.length, concurrency, objectsPerSecond: (keys.length / ms) * 1000, msPerObject: busyMs / keys.length };
}
