import { createHash, randomBytes } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createS3Client, downloadObject, listObjects, transientReason, type RetryPolicy } from "../../../pipeline/index.ts";
import { waitFor } from "../../core/index.ts";
import { S3Server, S3RVER_CREDENTIALS } from "../../embedded/index.ts";
import { seedBucket } from "../../env-kit/index.ts";
import { S3FaultProxy } from "./index.ts";

const BUCKET = "midi";
const SONGS = Array.from({ length: 4 }, (_, index) => ({ key: `songs/${index}.mid`, body: randomBytes(8 * 1024 + index) }));
const REQUEST_TIMEOUT_MS = 5_000;
const TINY_RETRIES: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

const md5 = (bytes: Uint8Array): string => createHash("md5").update(bytes).digest("hex");
const sourceObject = (object: { key: string; body: Uint8Array }) => ({ key: object.key, etag: md5(object.body), size: object.body.byteLength });
const rejection = (promise: Promise<unknown>): Promise<any> =>
  promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
const clientFor = (endpoint: string, requestTimeoutMs = REQUEST_TIMEOUT_MS): S3Client =>
  createS3Client({ endpoint, region: "us-east-1", bucket: BUCKET, prefix: "", forcePathStyle: true, credentials: { ...S3RVER_CREDENTIALS } }, requestTimeoutMs);

describe("S3FaultProxy faults by occurrence, through the SDK against a real S3 server", () => {
  let server: S3Server | undefined;
  let proxy: S3FaultProxy;
  let client: S3Client;

  beforeAll(async () => {
    server = await S3Server.start();
    const direct = clientFor(server.endpoint);
    try {
      await seedBucket(direct, BUCKET, SONGS);
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

  const get = async (key: string, via = client): Promise<Uint8Array> => {
    const response = await via.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return response.Body!.transformToByteArray();
  };
  /** "ok" or the SDK error's name and HTTP status, per request. */
  const outcome = (request: Promise<unknown>): Promise<string> =>
    request.then(
      () => "ok",
      (error: any) => `${error.name} ${error.$metadata?.httpStatusCode}`,
    );

  it.each([
    [503, "SlowDown"],
    [500, "InternalError"],
  ])("fails only the 3rd GetObject with %i %s: no GetObject before or after it, and no other operation", async (status, code) => {
    const before = await outcome(get(SONGS[0]!.key));
    const fault = proxy.injectErrors({ status, code, occurrence: { nth: 3 }, match: { operation: "GetObject" } });
    const startedAt = performance.now();
    const outcomes: string[] = [before];
    for (const song of SONGS.concat(SONGS)) {
      outcomes.push(await outcome(get(song.key)));
      outcomes.push(await outcome(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: song.key }))));
      outcomes.push(await outcome(client.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 2 }))));
    }
    // Requests after injection, in order: Get, Head, List for each song; the 3rd GetObject is the 7th of them.
    expect(outcomes.map((each, index) => (each === "ok" ? "" : `${index}: ${each}`)).filter(Boolean)).toEqual([`${1 + 6}: ${code} ${status}`]);
    expect(fault.observations).toMatchObject({ requestsMatched: 8, requestsFaulted: 1, requestsAbandoned: 0 });
    expect(fault.observations.faulted).toEqual([{ operation: "GetObject", bucket: BUCKET, key: SONGS[2]!.key, occurrence: 3, at: expect.any(Number) }]);
    expect(fault.observations.faulted[0]!.at).toBeGreaterThan(startedAt);
    expect(fault.observations.faulted[0]!.at).toBeLessThan(performance.now());
  });

  it("fails runs of occurrences: the 1st to 3rd GetObject of one key (the downloader gets it on the 4th attempt), then the 2nd and 3rd of any", async () => {
    const fault = proxy.injectErrors({
      status: 503,
      code: "SlowDown",
      occurrence: { from: 1, count: 3 },
      match: { operation: "GetObject", key: SONGS[1]!.key },
    });
    const reasons: string[] = [];
    expect(md5(await get(SONGS[0]!.key))).toBe(md5(SONGS[0]!.body));
    const downloaded = await downloadObject(client, BUCKET, sourceObject(SONGS[1]!), REQUEST_TIMEOUT_MS, TINY_RETRIES, {
      onRetry: (reason) => reasons.push(reason),
    });
    expect(md5(downloaded.bytes)).toBe(md5(SONGS[1]!.body));
    expect(reasons).toEqual(["throttled", "throttled", "throttled"]);
    expect(fault.observations.faulted.map((request) => [request.key, request.occurrence])).toEqual([1, 2, 3].map((n) => [SONGS[1]!.key, n]));

    const window = proxy.injectErrors({ status: 500, code: "InternalError", occurrence: { from: 2, count: 2 }, match: { operation: "GetObject" } });
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await outcome(get(SONGS[3]!.key)));
    expect(outcomes).toEqual(["ok", "InternalError 500", "InternalError 500", "ok", "ok"]);
    expect(window.observations).toMatchObject({ requestsMatched: 5, requestsFaulted: 2 });
  });

  it("fails ListObjectsV2 page 2 only: the SDK's paginator stops after page 1, the pipeline's lister retries the page", async () => {
    const fault = proxy.injectErrors({ status: 503, code: "SlowDown", occurrence: { nth: 2 }, match: { operation: "ListObjectsV2" } });
    const pages: string[][] = [];
    const error = await rejection(
      (async () => {
        for await (const page of paginateListObjectsV2({ client, pageSize: 1 }, { Bucket: BUCKET, Prefix: "songs/" }))
          pages.push((page.Contents ?? []).map((item) => item.Key!));
      })(),
    );
    expect(error).toMatchObject({ name: "SlowDown", $metadata: { httpStatusCode: 503 } });
    expect(pages).toEqual([[SONGS[0]!.key]]);
    expect(fault.observations.faulted).toEqual([expect.objectContaining({ operation: "ListObjectsV2", key: undefined, occurrence: 2 })]);

    const again: string[] = [];
    for await (const page of paginateListObjectsV2({ client, pageSize: 1 }, { Bucket: BUCKET, Prefix: "songs/" }))
      again.push(...(page.Contents ?? []).map((item) => item.Key!));
    expect(again).toEqual(SONGS.map((song) => song.key));

    // The pipeline's pages hold 1,000 keys, so its first (and only) page is the one failed here; it is retried with the same request.
    const reasons: string[] = [];
    const first = proxy.injectErrors({ status: 500, code: "InternalError", occurrence: { nth: 1 }, match: { operation: "ListObjectsV2" } });
    const listed: string[] = [];
    for await (const page of listObjects(client, BUCKET, "songs/", TINY_RETRIES, { onRetry: (reason) => reasons.push(reason) }))
      listed.push(...page.map((object) => object.key));
    expect(listed).toEqual(SONGS.map((song) => song.key));
    expect(reasons).toEqual(["server-error"]);
    expect(first.observations.requestsFaulted).toBe(1);
  });

  it.each([
    [403, "AccessDenied"],
    [404, "NoSuchKey"],
  ])(
    "makes given objects unreadable with %i %s: the SDK names the error, the downloader fails at once as permanent, other objects read",
    async (status, code) => {
      const unreadable = [SONGS[1]!, SONGS[3]!];
      const fault = proxy.injectErrors({ status, code, match: { operation: "GetObject", keys: unreadable.map((song) => song.key) } });
      for (const song of unreadable) expect(await rejection(get(song.key))).toMatchObject({ name: code, $metadata: { httpStatusCode: status } });
      expect(md5(await get(SONGS[0]!.key))).toBe(md5(SONGS[0]!.body));
      expect(md5(await get(SONGS[2]!.key))).toBe(md5(SONGS[2]!.body));

      const failed = await rejection(downloadObject(client, BUCKET, sourceObject(unreadable[0]!), REQUEST_TIMEOUT_MS, TINY_RETRIES));
      expect(failed).toMatchObject({ name: "OperationFailedError", attempts: 1, retryable: false, cause: { name: code } });
      expect(transientReason(failed.cause)).toBeUndefined();
      expect(fault.observations.faulted.map((request) => request.key)).toEqual([unreadable[0]!.key, unreadable[1]!.key, unreadable[0]!.key]);
    },
  );

  it("holds a GetObject past the client's requestTimeout: the SDK times out, the proxy records the abandonment, the next one passes", async () => {
    const TIMEOUT_MS = 1_000;
    const impatient = clientFor(proxy.endpoint, TIMEOUT_MS);
    try {
      const fault = proxy.hangRequests({ occurrence: { nth: 1 }, match: { operation: "GetObject" } });
      const started = performance.now();
      const error = await rejection(get(SONGS[0]!.key, impatient));
      const gaveUpAfterMs = performance.now() - started;
      expect(transientReason(error)).toBe("timeout");
      expect(gaveUpAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS);
      await waitFor(async () => fault.observations.requestsAbandoned === 1, { description: "the proxy to see the client go", timeoutMs: 2_000, intervalMs: 5 });
      const [held] = fault.observations.faulted;
      expect(held).toMatchObject({ operation: "GetObject", key: SONGS[0]!.key, occurrence: 1 });
      // The client's clock starts before the proxy sees the request, so the hold itself may be shorter than the timeout; the close comes after it.
      expect(held!.at).toBeGreaterThan(started);
      expect(held!.abandonedAt! - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 1);
      expect(fault.description).toMatchObject({ kind: "s3/hang", cause: "overload" });

      expect(md5(await get(SONGS[0]!.key, impatient))).toBe(md5(SONGS[0]!.body));
      expect(fault.observations).toMatchObject({ requestsMatched: 2, requestsFaulted: 1, requestsAbandoned: 1 });
    } finally {
      impatient.destroy();
    }
  });

  it("releases held requests when the hang is removed, and the downloader retries a hang as a timeout", async () => {
    const fault = proxy.hangRequests({ match: { operation: "GetObject", key: SONGS[2]!.key } });
    const pending = get(SONGS[2]!.key);
    await waitFor(async () => fault.observations.requestsFaulted === 1, { description: "the request to be held", timeoutMs: 2_000, intervalMs: 5 });
    await fault.remove();
    expect(md5(await pending)).toBe(md5(SONGS[2]!.body));
    expect(fault.observations).toMatchObject({ requestsAbandoned: 0, endedBy: "removed" });

    const first = proxy.hangRequests({ occurrence: { nth: 1 }, match: { operation: "GetObject" } });
    const reasons: string[] = [];
    const downloaded = await downloadObject(client, BUCKET, sourceObject(SONGS[2]!), 1_000, TINY_RETRIES, { onRetry: (reason) => reasons.push(reason) });
    expect(md5(downloaded.bytes)).toBe(md5(SONGS[2]!.body));
    expect(reasons).toEqual(["timeout"]);
    await waitFor(async () => first.observations.requestsAbandoned === 1, { description: "the abandonment to be recorded", timeoutMs: 2_000, intervalMs: 5 });
  });

  it("holds the 1st ListObjectsV2 page: the pipeline's lister, which has only the client's deadline, times out and retries it", async () => {
    const impatient = clientFor(proxy.endpoint, 1_000);
    try {
      const fault = proxy.hangRequests({ occurrence: { nth: 1 }, match: { operation: "ListObjectsV2" } });
      const reasons: string[] = [];
      const listed: string[] = [];
      for await (const page of listObjects(impatient, BUCKET, "songs/", TINY_RETRIES, { onRetry: (reason) => reasons.push(reason) }))
        listed.push(...page.map((object) => object.key));
      expect(listed).toEqual(SONGS.map((song) => song.key));
      expect(reasons).toEqual(["timeout"]);
      await waitFor(async () => fault.observations.requestsAbandoned === 1, { description: "the abandonment to be recorded", timeoutMs: 2_000, intervalMs: 5 });
      expect(fault.observations).toMatchObject({ requestsMatched: 2, requestsFaulted: 1 });
    } finally {
      impatient.destroy();
    }
  });

  it("corrupts the 2nd GetObject under a key prefix, keeping its length and ETag: only its MD5 differs, and the downloader retries it", async () => {
    const fault = proxy.corruptObject({ occurrence: { nth: 2 }, match: { keyPrefix: "songs/" } });
    const bodies: Uint8Array[] = [];
    const etags: string[] = [];
    for (const song of SONGS.slice(0, 3)) {
      const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: song.key }));
      bodies.push(await response.Body!.transformToByteArray());
      etags.push(response.ETag!);
    }
    expect(bodies.map((body) => body.byteLength)).toEqual(SONGS.slice(0, 3).map((song) => song.body.byteLength));
    expect(etags).toEqual(SONGS.slice(0, 3).map((song) => `"${md5(song.body)}"`));
    expect(bodies.map((body, index) => md5(body) === md5(SONGS[index]!.body))).toEqual([true, false, true]);
    expect(fault.observations.faulted).toEqual([expect.objectContaining({ operation: "GetObject", key: SONGS[1]!.key, occurrence: 2 })]);

    const once = proxy.corruptObject({ key: SONGS[3]!.key, occurrence: { nth: 1 } });
    const reasons: string[] = [];
    const downloaded = await downloadObject(client, BUCKET, sourceObject(SONGS[3]!), REQUEST_TIMEOUT_MS, TINY_RETRIES, {
      onRetry: (reason) => reasons.push(reason),
    });
    expect(md5(downloaded.bytes)).toBe(md5(SONGS[3]!.body));
    expect(reasons).toEqual(["body-integrity"]);
    expect(once.observations).toMatchObject({ requestsMatched: 2, requestsFaulted: 1 });
  });

  it("cuts only the 1st body short: the downloader retries the reset connection once", async () => {
    const fault = proxy.truncateBodies({ keepBytes: 100, occurrence: { nth: 1 }, match: { operation: "GetObject" } });
    const reasons: string[] = [];
    const downloaded = await downloadObject(client, BUCKET, sourceObject(SONGS[0]!), REQUEST_TIMEOUT_MS, TINY_RETRIES, {
      onRetry: (reason) => reasons.push(reason),
    });
    expect(md5(downloaded.bytes)).toBe(md5(SONGS[0]!.body));
    expect(reasons).toEqual(["connection-reset"]);
    expect(fault.observations).toMatchObject({ requestsMatched: 2, requestsFaulted: 1, requestsAbandoned: 0 });
  });
});
