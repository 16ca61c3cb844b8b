import { createHash } from "node:crypto";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { BodyIntegrityError } from "../errors.ts";
import { withRetry, type RetryHooks, type RetryPolicy } from "../retry.ts";
import { unquoteEtag } from "./object-lister.ts";
import type { SourceObject } from "./source-object.ts";

/** A downloaded object whose body was checked against its length and, where the ETag is an MD5, its checksum. */
export interface DownloadedObject {
  key: string;
  etag: string;
  bytes: Uint8Array;
}

const MD5_ETAG = /^[0-9a-f]{32}$/i;

/**
 * Downloads one object with a deadline per attempt, retrying transient
 * failures (network, 5xx, throttling, and bodies that arrive truncated or
 * corrupted); a permanent error (e.g. NoSuchKey, AccessDenied) fails at once.
 */
export async function downloadObject(
  client: S3Client,
  bucket: string,
  object: SourceObject,
  requestTimeoutMs: number,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<DownloadedObject> {
  return withRetry(
    `download s3://${bucket}/${object.key}`,
    policy,
    async () => {
      const signals = [AbortSignal.timeout(requestTimeoutMs), ...(hooks.signal ? [hooks.signal] : [])];
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: object.key }), {
        abortSignal: AbortSignal.any(signals),
      });
      if (!response.Body) throw new BodyIntegrityError(object.key, "truncated", "response has no body");
      const bytes = await response.Body.transformToByteArray();
      const etag = unquoteEtag(response.ETag ?? object.etag);
      verifyBody(object.key, bytes, response.ContentLength, etag);
      return { key: object.key, etag, bytes };
    },
    hooks,
  );
}

function verifyBody(key: string, bytes: Uint8Array, contentLength: number | undefined, etag: string): void {
  if (contentLength !== undefined && bytes.byteLength !== contentLength) {
    throw new BodyIntegrityError(key, "truncated", `received ${bytes.byteLength} of ${contentLength} bytes`);
  }
  if (MD5_ETAG.test(etag)) {
    const md5 = createHash("md5").update(bytes).digest("hex");
    if (md5 !== etag.toLowerCase()) throw new BodyIntegrityError(key, "checksum-mismatch", `MD5 ${md5} differs from ETag ${etag}`);
  }
}
