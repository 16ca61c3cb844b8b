import { createHash } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import type { RetryPolicy } from "../retry.ts";
import { downloadObject } from "./object-downloader.ts";

const FAST: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 };
const body = new TextEncoder().encode("MThd the real bytes of a song");
const md5 = createHash("md5").update(body).digest("hex");

/** An S3 client whose GetObject answers come from a script, one per attempt. */
function scriptedClient(answers: Array<() => unknown>): { client: S3Client; calls: () => number } {
  let calls = 0;
  const client = {
    send: async () => {
      const answer = answers[Math.min(calls++, answers.length - 1)]!;
      return answer();
    },
  } as unknown as S3Client;
  return { client, calls: () => calls };
}

const response =
  (bytes: Uint8Array, contentLength = body.byteLength, etag = `"${md5}"`) =>
  () => ({
    Body: { transformToByteArray: async () => bytes },
    ContentLength: contentLength,
    ETag: etag,
  });

describe("downloadObject", () => {
  const object = { key: "songs/a.mid", etag: md5, size: body.byteLength };

  it("retries a truncated body and returns the whole one", async () => {
    const retries: string[] = [];
    const { client, calls } = scriptedClient([response(body.slice(0, 10)), response(body)]);
    const result = await downloadObject(client, "midi", object, 1_000, FAST, { onRetry: (reason) => retries.push(reason) });
    expect(result.bytes).toEqual(body);
    expect(calls()).toBe(2);
    expect(retries).toEqual(["body-integrity"]);
  });

  it("retries a body whose MD5 differs from its ETag", async () => {
    const corrupted = body.slice();
    corrupted[5] = corrupted[5]! ^ 0xff;
    const retries: string[] = [];
    const { client } = scriptedClient([response(corrupted), response(body)]);
    const result = await downloadObject(client, "midi", object, 1_000, FAST, { onRetry: (reason) => retries.push(reason) });
    expect(result.bytes).toEqual(body);
    expect(retries).toEqual(["body-integrity"]);
  });

  it("retries 503 SlowDown, then succeeds", async () => {
    const slowDown = () => {
      throw Object.assign(new Error("Please reduce your request rate."), { name: "SlowDown", $metadata: { httpStatusCode: 503 } });
    };
    const retries: string[] = [];
    const { client, calls } = scriptedClient([slowDown, slowDown, response(body)]);
    await downloadObject(client, "midi", object, 1_000, FAST, { onRetry: (reason) => retries.push(reason) });
    expect(calls()).toBe(3);
    expect(retries).toEqual(["throttled", "throttled"]);
  });

  it("does not retry NoSuchKey", async () => {
    const missing = () => {
      throw Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } });
    };
    const { client, calls } = scriptedClient([missing, response(body)]);
    await expect(downloadObject(client, "midi", object, 1_000, FAST)).rejects.toMatchObject({ retryable: false, attempts: 1 });
    expect(calls()).toBe(1);
  });

  it("accepts multipart ETags, which are not an MD5 of the body, on length alone", async () => {
    const { client } = scriptedClient([response(body, body.byteLength, '"0123abcd-3"')]);
    const result = await downloadObject(client, "midi", { ...object, etag: "0123abcd-3" }, 1_000, FAST);
    expect(result.etag).toBe("0123abcd-3");
  });
});
