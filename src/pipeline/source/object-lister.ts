import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { RetryHooks, RetryPolicy } from "../retry.ts";
import { withRetry } from "../retry.ts";
import type { SourceObject } from "./source-object.ts";

const PAGE_SIZE = 1_000;

/** Lists every object under `prefix`, a page at a time (ListObjectsV2 continuation tokens), each page retried on transient errors. */
export async function* listObjects(
  client: S3Client,
  bucket: string,
  prefix: string,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): AsyncGenerator<SourceObject[]> {
  let continuationToken: string | undefined;
  do {
    const token = continuationToken;
    const page = await withRetry(
      `list s3://${bucket}/${prefix}`,
      policy,
      () =>
        client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token, MaxKeys: PAGE_SIZE }), {
          abortSignal: hooks.signal,
        }),
      hooks,
    );
    const objects: SourceObject[] = [];
    for (const item of page.Contents ?? []) {
      if (item.Key === undefined || item.Key.endsWith("/")) continue;
      objects.push({ key: item.Key, etag: unquoteEtag(item.ETag ?? ""), size: item.Size ?? 0 });
    }
    if (objects.length > 0) yield objects;
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken !== undefined);
}

export function unquoteEtag(etag: string): string {
  return etag.replace(/^W\//, "").replace(/^"|"$/g, "");
}
