import type { S3Client } from "@aws-sdk/client-s3";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client } from "../../pipeline/index.ts";
import type { SeedObject } from "../core/index.ts";
import { SeededBucketCache, seedBucket } from "../env-kit/index.ts";
import { servedObjects } from "../testing/index.ts";
import { S3Server, S3RVER_CREDENTIALS } from "./s3-server.ts";
import { S3rverBucketDirectory } from "./s3rver-bucket-directory.ts";

const BUCKET = "midi";

function corpus(count: number, salt = ""): SeedObject[] {
  return Array.from({ length: count }, (_, index) => ({
    key: `corpus-x/song-${index}.mid`,
    body: new TextEncoder().encode(`MThd ${salt}${index} `.repeat(index + 1)),
  }));
}

function clientFor(server: S3Server): S3Client {
  return createS3Client(
    { endpoint: server.endpoint, region: "us-east-1", bucket: BUCKET, prefix: "", forcePathStyle: true, credentials: { ...S3RVER_CREDENTIALS } },
    10_000,
  );
}

describe("seeded s3rver buckets kept for the test run as directories", () => {
  const servers: S3Server[] = [];
  const clients: S3Client[] = [];
  let cacheDirectory: string;

  async function freshServer(): Promise<{ server: S3Server; client: S3Client; uploads: () => number; seed: (objects: SeedObject[]) => Promise<number> }> {
    const server = await S3Server.start();
    const client = clientFor(server);
    servers.push(server);
    clients.push(client);
    await seedBucket(client, BUCKET, []); // the bucket exists and is empty, as after an environment's start
    let uploads = 0;
    const cache = new SeededBucketCache(cacheDirectory);
    return {
      server,
      client,
      uploads: () => uploads,
      seed: (objects) =>
        cache.seed(
          new S3rverBucketDirectory(server.bucketDirectory(BUCKET)),
          objects,
          () => ((uploads += objects.length), seedBucket(client, BUCKET, objects)),
        ),
    };
  }

  beforeAll(async () => {
    cacheDirectory = join(await mkdtemp(join(tmpdir(), "seeded-bucket-cache-test-")), "buckets");
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await Promise.all(servers.map((server) => server.stop()));
    await rm(join(cacheDirectory, ".."), { recursive: true, force: true });
  });

  it("uploads a corpus once, then serves the copy in another server with the same keys, bytes and ETags", async () => {
    const objects = corpus(60);
    const first = await freshServer();
    expect(await first.seed(objects)).toBe(60);
    expect(first.uploads()).toBe(60);
    expect(await readdir(cacheDirectory)).toHaveLength(1);

    const second = await freshServer();
    expect(await second.seed(objects)).toBe(60);
    expect(second.uploads()).toBe(0);
    const original = await servedObjects(first.client, BUCKET);
    expect(original).toHaveLength(60);
    expect(await servedObjects(second.client, BUCKET)).toEqual(original);
  });

  it("uploads into a bucket that already holds objects, and a different corpus, without touching the kept copy", async () => {
    const third = await freshServer();
    await third.seed(corpus(60, "other "));
    expect(third.uploads()).toBe(60);
    await third.seed(corpus(60));
    expect(third.uploads()).toBe(120); // not empty any more: a copy would mix with what is there
    expect(await readdir(cacheDirectory)).toHaveLength(2);
  });

  it("uploads a handful of objects directly", async () => {
    const fourth = await freshServer();
    await fourth.seed(corpus(3));
    expect(fourth.uploads()).toBe(3);
    expect(await readdir(cacheDirectory)).toHaveLength(2);
  });
});
