import { describe, expect, it } from "vitest";
import { describeConfig, resolvePipelineConfig, type PipelineConfigInput } from "./config.ts";
import { ConfigError } from "./errors.ts";

const VALID: PipelineConfigInput = {
  databaseUrl: "postgres://scale:s3cret@127.0.0.1:5432/scale",
  s3: { endpoint: "http://127.0.0.1:9000", bucket: "midi", credentials: { accessKeyId: "AKIA", secretAccessKey: "topsecret" } },
};

function fieldOf(input: PipelineConfigInput): string | undefined {
  try {
    resolvePipelineConfig(input);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.field;
    throw error;
  }
}

describe("resolvePipelineConfig", () => {
  it("fills Scale's defaults", () => {
    const config = resolvePipelineConfig(VALID);
    expect(config.similarity).toMatchObject({ minDistinctTokens: 3, maxDistance: 0.5, bands: 10, rows: 1, mode: "lsh" });
    expect(config.tokenMode).toBe("default");
    expect(config.s3.forcePathStyle).toBe(true);
    expect(config.shard).toEqual({ index: 0, count: 1 });
  });

  it.each<[string, PipelineConfigInput]>([
    ["databaseUrl", { ...VALID, databaseUrl: undefined }],
    ["databaseUrl", { ...VALID, databaseUrl: "mysql://x" }],
    ["s3.bucket", { ...VALID, s3: { ...VALID.s3, bucket: "" } }],
    ["s3.endpoint", { ...VALID, s3: { ...VALID.s3, endpoint: "localhost:9000" } }],
    ["concurrency", { ...VALID, concurrency: 0 }],
    ["requestTimeoutMs", { ...VALID, requestTimeoutMs: -5 }],
    ["retry.maxAttempts", { ...VALID, retry: { maxAttempts: 1.5 } }],
    ["tokenMode", { ...VALID, tokenMode: "drums-as-piano" as never }],
    ["shard.index", { ...VALID, shard: { index: 3, count: 3 } }],
    ["shard.count", { ...VALID, shard: { index: 0, count: 0 } }],
    ["stages", { ...VALID, stages: ["extract", "load"] as never }],
    ["stages", { ...VALID, shard: { index: 1, count: 2 } }],
    ["similarity.bands", { ...VALID, similarity: { bands: -1 } }],
    ["similarity.maxDistance", { ...VALID, similarity: { maxDistance: 2 } }],
  ])("names the field %s when it is wrong", (field, input) => {
    expect(fieldOf(input)).toBe(field);
  });

  it("never shows credentials when described for logs", () => {
    const text = JSON.stringify(describeConfig(resolvePipelineConfig(VALID)));
    expect(text).not.toContain("s3cret");
    expect(text).not.toContain("topsecret");
    expect(text).not.toContain("AKIA");
    expect(text).toContain("127.0.0.1:5432");
  });
});
