import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeedObject } from "../core/index.ts";
import { SeededBucketCache, seedBucket } from "../env-kit/index.ts";
import { servedObjects } from "../testing/index.ts";
import { containerEngineAvailable } from "./container-engine.ts";
import { ContainersEnvironment } from "./containers-env.ts";
import { LOCAL_IMAGES, resolveContainerImages } from "./images.ts";
import { S3rverContainerBucket } from "./s3rver-container-bucket.ts";
import { MINIO_DATA_DIRECTORY } from "./service-definitions.ts";
import type { StartedContainersEnvironment } from "./started-containers-env.ts";

/**
 * The seeded-bucket cache on the containers environment: a corpus uploaded
 * into one S3 container is copied into the next through the engine's archive
 * API. Needs an engine and the local S3 image (s3rver's on-disk format).
 */
const found = await containerEngineAvailable();
const images = resolveContainerImages();
const unavailable = !found.available
  ? found.reason
  : images.minio !== LOCAL_IMAGES.minio
    ? `S3 image ${images.minio} is not the local s3rver image`
    : undefined;
if (unavailable !== undefined) console.warn(`seeded buckets on containers SKIPPED: ${unavailable}`);
const title = (name: string) => (unavailable === undefined ? name : `${name} (SKIPPED: ${unavailable})`);
const START_TIMEOUT_MS = 180_000;

const corpus: SeedObject[] = Array.from({ length: 60 }, (_, index) => ({
  key: `corpus-c/song-${index}.mid`,
  body: new TextEncoder().encode(`MThd ${index} `.repeat(index + 1)),
}));

describe.skipIf(unavailable !== undefined)(title("seeded s3rver buckets kept for the test run as container archives"), () => {
  const envs: StartedContainersEnvironment[] = [];
  let cacheDirectory: string;

  beforeAll(async () => {
    cacheDirectory = join(await mkdtemp(join(tmpdir(), "container-bucket-cache-test-")), "buckets");
    envs.push(...(await Promise.all([new ContainersEnvironment().start(), new ContainersEnvironment().start()])));
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(envs.map((env) => env.stop()));
    if (cacheDirectory) await rm(join(cacheDirectory, ".."), { recursive: true, force: true });
  });

  function seeder(env: StartedContainersEnvironment): { uploads: () => number; seed: () => Promise<number> } {
    let uploads = 0;
    const stored = new S3rverContainerBucket(env.minio, env.s3Client(), env.images.minio, MINIO_DATA_DIRECTORY, env.bucket);
    const upload = () => ((uploads += corpus.length), seedBucket(env.s3Client(), env.bucket, corpus));
    return { uploads: () => uploads, seed: () => new SeededBucketCache(cacheDirectory).seed(stored, corpus, upload) };
  }

  it("uploads a corpus once, then serves the copy in another container with the same keys, bytes and ETags", async () => {
    const [first, second] = envs as [StartedContainersEnvironment, StartedContainersEnvironment];
    const firstSeeder = seeder(first);
    expect(await firstSeeder.seed()).toBe(60);
    expect(firstSeeder.uploads()).toBe(60);
    expect(await readdir(cacheDirectory)).toHaveLength(1);

    const secondSeeder = seeder(second);
    expect(await secondSeeder.seed()).toBe(60);
    expect(secondSeeder.uploads()).toBe(0);
    const original = await servedObjects(first.s3Client(), first.bucket);
    expect(original).toHaveLength(60);
    expect(await servedObjects(second.s3Client(), second.bucket)).toEqual(original);
  });

  it("the copied bucket takes writes: an object replaced after the copy is served with its new bytes", async () => {
    const second = envs[1]!;
    const key = corpus[7]!.key;
    await second.s3Client().send(new PutObjectCommand({ Bucket: second.bucket, Key: key, Body: "replaced" }));
    const object = await second.s3Client().send(new GetObjectCommand({ Bucket: second.bucket, Key: key }));
    expect(await object.Body!.transformToString()).toBe("replaced");
  });
});
