import { Agent } from "node:http";
import { S3Client } from "@aws-sdk/client-s3";
import type { S3SourceConfig } from "../config.ts";

/**
 * An S3 client for AWS or S3-compatible servers. The SDK's own retries are
 * off (`maxAttempts: 1`) because the pipeline retries with its own policy and
 * counts every retry in its metrics; request checksums are only computed
 * when an operation requires them, as s3rver and older MinIO reject or
 * corrupt the streamed trailing checksums. `requestTimeout` is a deadline
 * for the response's headers only with `throwOnRequestTimeout`: without it
 * the handler just logs a warning and a server that never answers (e.g. a
 * ListObjectsV2 page) holds the run forever. `keepAlive: false` opens a
 * connection per request (for a client that talks through a TCP relay, where
 * a pooled connection the server already closed can still look open).
 */
export function createS3Client(config: S3SourceConfig, requestTimeoutMs: number, options: { keepAlive?: boolean } = {}): S3Client {
  return new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    maxAttempts: 1,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: {
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
      connectionTimeout: Math.min(requestTimeoutMs, 5_000),
      ...(options.keepAlive === false ? { httpAgent: new Agent({ keepAlive: false }) } : {}),
    },
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
}
