import { createHash, randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BodyIntegrityError, createS3Client, OperationFailedError, type RetryPolicy, downloadObject } from "../../../pipeline/index.ts";
import { S3Server, S3RVER_CREDENTIALS } from "../../embedded/index.ts";
import { FaultParameterError, waitFor } from "../../core/index.ts";
import { MAX_FAULTED_LISTED, S3FaultProxy } from "./index.ts";
import { seedBucket } from "../../env-kit/index.ts";

const BUCKET = "midi";
const SONG = { key: "songs/a.mid", body: randomBytes(64 * 1024) };
const SMALL = { key: "songs/b.mid", body: randomBytes(1_000) };
const REQUEST_TIMEOUT_MS = 5_000;
/** Four attempts, 1–2 ms apart: enough to see the retries without waiting for them. */
const TINY_RETRIES: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

const md5 = (bytes: Uint8Array): string => createHash("md5").update(bytes).digest("hex");
const sourceObject = (object: { key: string; body: Uint8Array }) => ({ key: object.key, etag: md5(object.body), size: object.body.byteLength });
const rejection = (promise: Promise<unknown>): Promise<any> =>
  promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
const clientFor = (endpoint: string): S3Client =>
  createS3Client(
    { endpoint, region: "us-east-1", bucket: BUCKET, prefix: "", forcePathStyle: true, credentials: { ...S3RVER_CREDENTIALS } },
    REQUEST_TIMEOUT_MS,
  );

describe("S3FaultProxy in front of a real S3 server", () => {
  let server: S3Server | undefined;
  let proxy: S3FaultProxy;
  let client: S3Client;

  beforeAll(async () => {
    server = await S3Server.start();
    const direct = clientFor(server.endpoint);
    try {
      await seedBucket(direct, BUCKET, [SONG, SMALL]);
    } finally {
      direct.destroy();
    }
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    proxy = await S3FaultProxy.start({ upstream: server!.endpoint });
    client = clientFor(proxy.endpoint);
  });
  afterEach(async () => {
    client?.destroy();
    await proxy?.stop();
  });

  const get = async (key: string): Promise<Uint8Array> => {
    const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return response.Body!.transformToByteArray();
  };
  const timedMs = async (operation: () => Promise<unknown>): Promise<number> => {
    const started = performance.now();
    await operation();
    return performance.now() - started;
  };
  const download = (object: { key: string; body: Uint8Array }, reasons: string[], onAttemptFailed?: (attempt: number) => void, policy = TINY_RETRIES) =>
    downloadObject(client, BUCKET, sourceObject(object), REQUEST_TIMEOUT_MS, policy, {
      onRetry: (reason, attempt) => {
        reasons.push(reason);
        onAttemptFailed?.(attempt);
      },
    });

  it("forwards uploads, listings and downloads unchanged when no rule is in effect", async () => {
    const body = randomBytes(3 * 1024 * 1024);
    const put = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "uploads/new.mid", Body: body }));
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "uploads/" }));
    expect(listed.Contents?.map((item) => [item.Key, item.Size, item.ETag])).toEqual([["uploads/new.mid", body.byteLength, `"${md5(body)}"`]]);
    expect(md5(await get("uploads/new.mid"))).toBe(md5(body));
  });

  it("records every request by operation, faulted or not", async () => {
    expect(proxy.recording()).toEqual({ requests: 0, operations: {} });
    const fault = proxy.injectErrors({ status: 500, code: "InternalError", match: { operation: "GetObject" }, occurrence: { nth: 1 } });
    await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "songs/" }));
    await rejection(get(SMALL.key));
    await get(SMALL.key);
    await get(SONG.key);
    expect(fault.observations.requestsFaulted).toBe(1);
    expect(proxy.recording()).toEqual({ requests: 4, operations: { ListObjectsV2: 1, GetObject: 3 } });
  });

  it("answers 503 SlowDown in S3's XML, seen by the SDK as a named error, until removed", async () => {
    const fault = proxy.injectErrors({ status: 503, code: "SlowDown", match: { operation: "GetObject" } });
    expect(await rejection(get(SONG.key))).toMatchObject({ name: "SlowDown", $metadata: { httpStatusCode: 503 } });
    const listing = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listing.KeyCount).toBeGreaterThanOrEqual(2);

    const raw = await fetch(`${proxy.endpoint}/${BUCKET}/${SONG.key}`);
    expect(raw.status).toBe(503);
    expect(raw.headers.get("content-type")).toBe("application/xml");
    expect(raw.headers.get("retry-after")).toBe("1");
    expect(await raw.text()).toMatch(
      /<Error><Code>SlowDown<\/Code><Message>Please reduce your request rate\.<\/Message>.*<RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/,
    );
    expect(fault.observations).toMatchObject({ requestsMatched: 2, requestsFaulted: 2 });
    expect(fault.description).toMatchObject({ kind: "s3/error", cause: "overload", parameters: { status: 503, code: "SlowDown" } });

    await fault.remove();
    expect(md5(await get(SONG.key))).toBe(md5(SONG.body));
    const removedAt = fault.removedAt;
    await fault.remove();
    expect(fault.removedAt).toBe(removedAt);
    expect(fault.observations).toMatchObject({ requestsMatched: 2, requestsFaulted: 2, endedBy: "removed" });
  });

  it("fails about the requested fraction with 500 InternalError and counts exactly the errors the SDK saw", async () => {
    const fault = proxy.injectErrors({ status: 500, code: "InternalError", probability: 0.5, match: { operation: "GetObject" } });
    const outcomes: string[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => get(SMALL.key)));
      for (const result of results) outcomes.push(result.status === "fulfilled" ? "ok" : `${result.reason.name} ${result.reason.$metadata?.httpStatusCode}`);
    }
    const errors = outcomes.filter((outcome) => outcome === "InternalError 500").length;
    expect(outcomes.filter((outcome) => outcome !== "ok" && outcome !== "InternalError 500")).toEqual([]);
    expect(errors).toBeGreaterThanOrEqual(70);
    expect(errors).toBeLessThanOrEqual(130);
    expect(fault.observations).toMatchObject({ requestsMatched: 200, requestsFaulted: errors, requestsAbandoned: 0 });
    expect(fault.observations.faulted).toHaveLength(Math.min(errors, MAX_FAULTED_LISTED));
    expect(fault.description.cause).toBe("software-failure");
  });

  it("stops a windowed fault by itself after forMs, and its handle records the removal", async () => {
    const WINDOW_MS = 300;
    const fault = proxy.injectErrors({ status: 503, code: "SlowDown", forMs: WINDOW_MS });
    expect(await rejection(get(SMALL.key))).toMatchObject({ name: "SlowDown" });
    await sleep(WINDOW_MS + 50 - (performance.now() - fault.injectedAt));
    expect(md5(await get(SMALL.key))).toBe(md5(SMALL.body));
    expect(fault.observations).toMatchObject({ requestsMatched: 1, requestsFaulted: 1, endedBy: "window" });
    // Node timers may fire up to a millisecond early; the rule itself compares against the exact deadline.
    expect(fault.removedAt! - fault.injectedAt).toBeGreaterThanOrEqual(WINDOW_MS - 1);
    expect(fault.removedAt! - fault.injectedAt).toBeLessThan(WINDOW_MS + 50);
  });

  it("delays matching requests by at least latencyMs, and no longer once removed", async () => {
    const LATENCY_MS = 150;
    const JITTER_MS = 20;
    await get(SMALL.key);
    const baselineMs = await timedMs(() => get(SMALL.key));
    const fault = proxy.injectLatency({ latencyMs: LATENCY_MS, jitterMs: JITTER_MS, match: { operation: "GetObject" } });
    const delayed = [await timedMs(() => get(SMALL.key)), await timedMs(() => get(SMALL.key)), await timedMs(() => get(SMALL.key))];
    expect(Math.min(...delayed)).toBeGreaterThanOrEqual(LATENCY_MS);
    expect(Math.max(...delayed)).toBeLessThan(LATENCY_MS + JITTER_MS + baselineMs + 100);
    expect(await timedMs(() => client.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toBeLessThan(LATENCY_MS);
    expect(fault.observations).toMatchObject({ requestsMatched: 3, requestsFaulted: 3 });
    expect(fault.description).toMatchObject({ kind: "s3/latency", cause: "overload" });
    await fault.remove();
    expect(await timedMs(() => get(SMALL.key))).toBeLessThan(LATENCY_MS);
  });

  it("holds requests past the client's timeout: the downloader retries them as timeouts and recovers once removed", async () => {
    const TIMEOUT_MS = 100;
    const fault = proxy.injectLatency({ latencyMs: 400, match: { operation: "GetObject" } });
    const reasons: string[] = [];
    const policy = { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 };
    const recovered = await downloadObject(client, BUCKET, sourceObject(SMALL), TIMEOUT_MS, policy, {
      onRetry: (reason, attempt) => {
        reasons.push(reason);
        if (attempt === 2) void fault.remove();
      },
    });
    expect(md5(recovered.bytes)).toBe(md5(SMALL.body));
    expect(reasons).toEqual(["timeout", "timeout"]);
    expect(fault.observations).toMatchObject({ requestsMatched: 2, requestsFaulted: 2 });
    await waitFor(async () => fault.observations.requestsAbandoned === 2, {
      description: "both held requests to be seen abandoned",
      timeoutMs: 2_000,
      intervalMs: 5,
    });
  });

  it("resets the connection of one chosen request only: the SDK sees ECONNRESET, the rule lists that request, the next passes", async () => {
    const reset = proxy.resetRequests({ match: { operation: "GetObject", key: SONG.key }, occurrence: { nth: 2 } });
    expect(md5(await get(SONG.key))).toBe(md5(SONG.body));
    const error = await rejection(get(SONG.key));
    expect(error).toMatchObject({ code: "ECONNRESET" });
    expect(reset.observations).toMatchObject({ requestsMatched: 2, requestsFaulted: 1, requestsAbandoned: 0 });
    expect(reset.observations.faulted).toEqual([{ operation: "GetObject", bucket: BUCKET, key: SONG.key, occurrence: 2, at: expect.any(Number) }]);
    expect(md5(await get(SONG.key))).toBe(md5(SONG.body));
    expect(md5(await get(SMALL.key))).toBe(md5(SMALL.body));
    expect(reset.observations).toMatchObject({ requestsMatched: 3, requestsFaulted: 1 });
    expect(reset.description).toMatchObject({ kind: "s3/reset", cause: "equipment-failure" });

    // The downloader classifies the reset as retryable and gets the object on its next attempt.
    const once = proxy.resetRequests({ match: { operation: "GetObject" }, occurrence: { nth: 1 } });
    const reasons: string[] = [];
    expect(md5((await download(SMALL, reasons)).bytes)).toBe(md5(SMALL.body));
    expect(reasons).toEqual(["connection-reset"]);
    expect(once.observations).toMatchObject({ requestsMatched: 2, requestsFaulted: 1 });
  });

  it("cuts a body short under its Content-Length: the SDK's body read fails with ECONNRESET, the downloader retries until removal", async () => {
    const KEEP_BYTES = 1_000;
    const fault = proxy.truncateBodies({ keepBytes: KEEP_BYTES, match: { keyPrefix: "songs/" } });
    const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: SONG.key }));
    expect(response.ContentLength).toBe(SONG.body.byteLength);
    let received = 0;
    const readError = await rejection(
      (async () => {
        for await (const chunk of response.Body as AsyncIterable<Uint8Array>) received += chunk.byteLength;
      })(),
    );
    expect(received).toBe(KEEP_BYTES);
    expect(readError).toMatchObject({ code: "ECONNRESET", message: "aborted" });
    expect(await rejection(get(SONG.key))).toMatchObject({ code: "ECONNRESET" });

    // Node's HTTP client reports the short body before the downloader's length check can: it sees a reset connection.
    const whileOn: string[] = [];
    expect(await rejection(download(SONG, whileOn))).toMatchObject({ name: "OperationFailedError", attempts: 4, retryable: true });
    expect(whileOn).toEqual(["connection-reset", "connection-reset", "connection-reset"]);

    const untilRemoved: string[] = [];
    const recovered = await download(SONG, untilRemoved, (attempt) => attempt === 2 && void fault.remove());
    expect(md5(recovered.bytes)).toBe(md5(SONG.body));
    expect(untilRemoved).toEqual(["connection-reset", "connection-reset"]);
    expect(fault.observations).toMatchObject({ requestsMatched: 2 + 4 + 2, requestsFaulted: 2 + 4 + 2 });
  });

  it("cuts a re-framed chunked body cleanly: the SDK gets fewer bytes and the downloader's MD5 check retries it until removal", async () => {
    const fault = proxy.truncateBodies({ keepFraction: 0.5, framing: "chunked", match: { key: SONG.key } });
    const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: SONG.key }));
    expect(response.ContentLength).toBeUndefined();
    expect((await response.Body!.transformToByteArray()).byteLength).toBe(SONG.body.byteLength / 2);
    expect(md5(await get(SMALL.key))).toBe(md5(SMALL.body));

    const whileOn: string[] = [];
    const failed = await rejection(download(SONG, whileOn));
    expect(failed).toBeInstanceOf(OperationFailedError);
    expect(failed.cause).toBeInstanceOf(BodyIntegrityError);
    expect(failed.cause).toMatchObject({ problem: "checksum-mismatch" });
    expect(whileOn).toEqual(["body-integrity", "body-integrity", "body-integrity"]);

    const untilRemoved: string[] = [];
    const recovered = await download(SONG, untilRemoved, (attempt) => attempt === 2 && void fault.remove());
    expect(md5(recovered.bytes)).toBe(md5(SONG.body));
    expect(untilRemoved).toEqual(["body-integrity", "body-integrity"]);
  });

  it("stalls a body midway under its Content-Length: headers in time, no end; only the downloader's deadline per attempt abandons it", async () => {
    const STALL_DEADLINE_MS = 400;
    const fault = proxy.truncateBodies({ keepFraction: 0.5, framing: "stall", match: { key: SONG.key } });
    const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: SONG.key }));
    expect(response.ContentLength).toBe(SONG.body.byteLength);
    let received = 0;
    const reading = (async () => {
      for await (const chunk of response.Body as AsyncIterable<Uint8Array>) received += chunk.byteLength;
      return "ended";
    })();
    // Well past the SDK's header deadline: the body neither ends nor fails, it stalls.
    expect(await Promise.race([reading, sleep(REQUEST_TIMEOUT_MS + 500, "stalled")])).toBe("stalled");
    expect(received).toBe(SONG.body.byteLength / 2);
    (response.Body as { destroy?: () => void }).destroy?.();
    void reading.catch(() => undefined);

    const reasons: string[] = [];
    const started = performance.now();
    const recovered = await downloadObject(client, BUCKET, sourceObject(SONG), STALL_DEADLINE_MS, TINY_RETRIES, {
      onRetry: (reason, attempt) => {
        reasons.push(reason);
        if (attempt === 2) void fault.remove();
      },
    });
    expect(md5(recovered.bytes)).toBe(md5(SONG.body));
    // The deadline's abort destroys the socket mid-body, which the SDK reports as the read's ECONNRESET "aborted".
    expect(reasons).toEqual(["connection-reset", "connection-reset"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * STALL_DEADLINE_MS);
    expect(fault.observations.requestsFaulted).toBe(3);
  }, 20_000);

  it("flips one byte of one object, same length, caught only by the downloader's MD5 check until removed", async () => {
    const fault = proxy.corruptObject({ key: SONG.key });
    const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: SONG.key }));
    const bytes = await response.Body!.transformToByteArray();
    expect(bytes.byteLength).toBe(SONG.body.byteLength);
    expect(response.ETag).toBe(`"${md5(SONG.body)}"`);
    expect(bytes.filter((byte, index) => byte !== SONG.body[index]).length).toBe(1);
    expect(md5(await get(SMALL.key))).toBe(md5(SMALL.body));

    const whileOn: string[] = [];
    const failed = await rejection(download(SONG, whileOn));
    expect(failed.cause).toMatchObject({ name: "BodyIntegrityError", problem: "checksum-mismatch" });
    expect(whileOn).toEqual(["body-integrity", "body-integrity", "body-integrity"]);

    const untilRemoved: string[] = [];
    const recovered = await download(SONG, untilRemoved, (attempt) => attempt === 1 && void fault.remove());
    expect(md5(recovered.bytes)).toBe(md5(SONG.body));
    expect(untilRemoved).toEqual(["body-integrity"]);
    expect(fault.observations).toMatchObject({ requestsMatched: 1 + 4 + 1, requestsFaulted: 1 + 4 + 1 });
    expect(fault.description).toMatchObject({ kind: "s3/corrupt", cause: "software-failure", parameters: { key: SONG.key } });
  });

  it.each([
    ["probability", () => proxy.injectErrors({ status: 503, code: "SlowDown", probability: 1.5 })],
    ["status", () => proxy.injectErrors({ status: 302, code: "Found" })],
    ["code", () => proxy.injectErrors({ status: 500, code: "" })],
    ["forMs", () => proxy.injectErrors({ status: 500, code: "InternalError", forMs: -1 })],
    ["match.operation", () => proxy.injectErrors({ status: 500, code: "InternalError", match: { operation: "Fetch" as never } })],
    ["latencyMs", () => proxy.injectLatency({ latencyMs: -5 })],
    ["jitterMs", () => proxy.injectLatency({ latencyMs: 5, jitterMs: Number.NaN })],
    ["keepBytes", () => proxy.truncateBodies({ keepBytes: 10, keepFraction: 0.5 } as never)],
    ["keepFraction", () => proxy.truncateBodies({ keepFraction: 1 })],
    ["key", () => proxy.corruptObject({ key: "" })],
  ])("rejects a bad %s, naming it, and injects nothing", async (field, inject) => {
    expect(inject).toThrow(FaultParameterError);
    expect(inject).toThrow(expect.objectContaining({ field }));
    expect(md5(await get(SONG.key))).toBe(md5(SONG.body));
  });

  it("stop() removes every rule and closes open connections, also mid-request", async () => {
    const slow = proxy.injectLatency({ latencyMs: 10_000 });
    const failing = proxy.injectErrors({ status: 500, code: "InternalError" });
    const pending = rejection(get(SONG.key));
    await waitFor(async () => slow.observations.requestsMatched === 1, { description: "the request to be held back", timeoutMs: 2_000, intervalMs: 5 });
    const stopMs = await timedMs(() => proxy.stop());
    expect(await pending).toMatchObject({ code: "ECONNRESET" });
    expect(stopMs).toBeLessThan(1_000);
    expect([slow.removedAt, failing.removedAt]).toEqual([expect.any(Number), expect.any(Number)]);
    await proxy.stop();
    await expect(fetch(proxy.endpoint)).rejects.toThrow();
    expect(() => proxy.injectLatency({ latencyMs: 1 })).toThrow(/stopped/);
  });
  it("is survived by the environments' bucket seeding: a failed upload is tried again, a refusal is not", async () => {
    const flaky = proxy.injectErrors({ status: 503, code: "SlowDown", match: { operation: "PutObject" }, occurrence: { nth: 1 } });
    const object = { key: "seeded/retried.mid", body: randomBytes(2_000) };
    expect(await seedBucket(client, BUCKET, [object])).toBe(1);
    expect(flaky.observations).toMatchObject({ requestsFaulted: 1 }); // the first attempt really failed
    expect(md5(await get(object.key))).toBe(md5(object.body));
    await flaky.remove();

    const refused = proxy.injectErrors({ status: 403, code: "AccessDenied", match: { operation: "PutObject" } });
    await expect(seedBucket(client, BUCKET, [{ key: "seeded/refused.mid", body: SMALL.body }])).rejects.toThrow(
      /could not upload seeded\/refused\.mid \(attempt 1\): /,
    );
    expect(refused.observations).toMatchObject({ requestsFaulted: 1 });
  });
});
