import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { ensureBucket } from "../../src/chaos/env-kit/index.ts";
import { DEFAULT_RETRY_POLICY, withRetry } from "../../src/pipeline/index.ts";
import type { PlannedSong } from "./song-plan.ts";
import { renderSong } from "./synthetic-midi.ts";

export interface UploadFigures {
  objects: number;
  bytes: number;
  ms: number;
  /** PUTs tried again after a transient error (a loaded machine can keep one past the client's timeout). */
  retries: number;
}

/**
 * Renders and uploads the planned songs, `concurrency` at a time: each file exists only between
 * its rendering and its PUT, so memory stays at `concurrency` files whatever the corpus size.
 * Transient errors are retried as the pipeline retries its own requests.
 */
export async function uploadCorpus(
  client: S3Client,
  bucket: string,
  songs: readonly PlannedSong[],
  options: { concurrency: number; onProgress?: (objects: number) => void },
): Promise<UploadFigures> {
  await ensureBucket(client, bucket);
  const started = performance.now();
  let next = 0;
  let bytes = 0;
  let uploaded = 0;
  let retries = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, songs.length) }, async () => {
      for (let index = next++; index < songs.length; index = next++) {
        const song = songs[index]!;
        const body = renderSong(song);
        await withRetry(`PUT ${song.key}`, DEFAULT_RETRY_POLICY, () => client.send(new PutObjectCommand({ Bucket: bucket, Key: song.key, Body: body })), {
          onRetry: () => retries++,
        });
        bytes += body.byteLength;
        if (++uploaded % 5_000 === 0) options.onProgress?.(uploaded);
      }
    }),
  );
  return { objects: uploaded, bytes, ms: performance.now() - started, retries };
}
