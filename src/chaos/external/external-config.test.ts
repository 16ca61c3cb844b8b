import { describe, expect, it } from "vitest";
import { ALLOW_TARGET_VARIABLE as EXPERIMENT_ALLOW_TARGET_VARIABLE } from "../experiment/index.ts";
import { ExternalConfigError, externalConfigFromEnv, externalTarget } from "./external-config.ts";
import { ExternalEnvironment } from "./external-env.ts";
import { ALLOW_TARGET_VARIABLE, checkTargetOptIn, TargetNotAllowedError } from "./target-opt-in.ts";

const PASSWORD = "s3cr3t-Pa55";
const SECRET_KEY = "wJalrXUtnFEMI-secret";

const VALID = {
  CHAOS_EXTERNAL_DATABASE_URL: `postgres://chaos:${PASSWORD}@db.staging.example:6432/postgres`,
  CHAOS_EXTERNAL_S3_ENDPOINT: "http://minio.staging.example:9000",
  CHAOS_EXTERNAL_S3_BUCKET: "chaos-midi",
  CHAOS_EXTERNAL_S3_ACCESS_KEY_ID: "chaos-access",
  CHAOS_EXTERNAL_S3_SECRET_ACCESS_KEY: SECRET_KEY,
};

function refusal(variables: Record<string, string | undefined>): ExternalConfigError {
  try {
    externalConfigFromEnv(variables);
  } catch (error) {
    if (error instanceof ExternalConfigError) return error;
    throw error;
  }
  throw new Error("expected the configuration to be refused");
}

describe("externalConfigFromEnv", () => {
  it("reads a stack given by URLs, with defaults for the region and the local proxies", () => {
    const config = externalConfigFromEnv(VALID);
    expect(config.postgres).toEqual({ host: "db.staging.example", port: 6432 });
    expect(config.s3).toEqual({
      endpoint: "http://minio.staging.example:9000",
      address: { host: "minio.staging.example", port: 9000 },
      bucket: "chaos-midi",
      region: "us-east-1",
      credentials: { accessKeyId: "chaos-access", secretAccessKey: SECRET_KEY },
    });
    expect(config.toxiproxy).toBeUndefined();
  });

  it("falls back to AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the S3 keys, and to the default ports", () => {
    const config = externalConfigFromEnv({
      ...VALID,
      CHAOS_EXTERNAL_DATABASE_URL: "postgresql://chaos@[::1]/postgres",
      CHAOS_EXTERNAL_S3_ENDPOINT: "http://127.0.0.1",
      CHAOS_EXTERNAL_S3_ACCESS_KEY_ID: undefined,
      CHAOS_EXTERNAL_S3_SECRET_ACCESS_KEY: " ",
      AWS_ACCESS_KEY_ID: "from-aws",
      AWS_SECRET_ACCESS_KEY: "aws-secret",
    });
    expect(config.postgres).toEqual({ host: "::1", port: 5432 });
    expect(config.s3.address).toEqual({ host: "127.0.0.1", port: 80 });
    expect(config.s3.credentials).toEqual({ accessKeyId: "from-aws", secretAccessKey: "aws-secret" });
  });

  it("reads the user's Toxiproxy and the names of its proxies", () => {
    const config = externalConfigFromEnv({
      ...VALID,
      CHAOS_EXTERNAL_TOXIPROXY_URL: "http://toxiproxy.staging.example:8474/",
      CHAOS_EXTERNAL_TOXIPROXY_POSTGRES_PROXY: "pg_main",
      CHAOS_EXTERNAL_TOXIPROXY_S3_PROXY: "minio",
    });
    expect(config.toxiproxy).toEqual({
      url: "http://toxiproxy.staging.example:8474",
      api: { host: "toxiproxy.staging.example", port: 8474 },
      proxies: { postgres: "pg_main", s3: "minio" },
    });
  });

  it.each([
    ["a missing database URL", { CHAOS_EXTERNAL_DATABASE_URL: undefined }, "CHAOS_EXTERNAL_DATABASE_URL is required"],
    [
      "a database URL that is not a URL",
      { CHAOS_EXTERNAL_DATABASE_URL: `host=db user=chaos password=${PASSWORD}` },
      "CHAOS_EXTERNAL_DATABASE_URL is not a URL",
    ],
    [
      "a database URL of another scheme",
      { CHAOS_EXTERNAL_DATABASE_URL: `mysql://chaos:${PASSWORD}@db/x` },
      "CHAOS_EXTERNAL_DATABASE_URL must be a postgres:// URL",
    ],
    [
      "a Unix socket",
      { CHAOS_EXTERNAL_DATABASE_URL: "postgres://chaos@db/postgres?host=/var/run/postgresql" },
      "CHAOS_EXTERNAL_DATABASE_URL must name a TCP host",
    ],
    [
      "sslmode=require",
      { CHAOS_EXTERNAL_DATABASE_URL: `postgres://chaos:${PASSWORD}@db/postgres?sslmode=require` },
      "CHAOS_EXTERNAL_DATABASE_URL has sslmode=require",
    ],
    ["no database", { CHAOS_EXTERNAL_DATABASE_URL: `postgres://chaos:${PASSWORD}@db:5432` }, "CHAOS_EXTERNAL_DATABASE_URL must name a database"],
    ["a missing S3 endpoint", { CHAOS_EXTERNAL_S3_ENDPOINT: "" }, "CHAOS_EXTERNAL_S3_ENDPOINT is required"],
    [
      "an S3 endpoint with credentials",
      { CHAOS_EXTERNAL_S3_ENDPOINT: `http://key:${SECRET_KEY}@minio:9000` },
      "CHAOS_EXTERNAL_S3_ENDPOINT must not carry credentials",
    ],
    ["an https S3 endpoint", { CHAOS_EXTERNAL_S3_ENDPOINT: "https://s3.example" }, "CHAOS_EXTERNAL_S3_ENDPOINT must be an http:// endpoint"],
    ["an S3 endpoint that is not a URL", { CHAOS_EXTERNAL_S3_ENDPOINT: "minio:9000:x" }, "CHAOS_EXTERNAL_S3_ENDPOINT must be"],
    ["a missing bucket", { CHAOS_EXTERNAL_S3_BUCKET: undefined }, "CHAOS_EXTERNAL_S3_BUCKET is required"],
    ["a bad bucket name", { CHAOS_EXTERNAL_S3_BUCKET: "Chaos_Midi" }, "CHAOS_EXTERNAL_S3_BUCKET must be an S3 bucket name"],
    ["a missing access key", { CHAOS_EXTERNAL_S3_ACCESS_KEY_ID: undefined }, "CHAOS_EXTERNAL_S3_ACCESS_KEY_ID is required (or AWS_ACCESS_KEY_ID)"],
    ["a missing secret key", { CHAOS_EXTERNAL_S3_SECRET_ACCESS_KEY: undefined }, "CHAOS_EXTERNAL_S3_SECRET_ACCESS_KEY is required (or AWS_SECRET_ACCESS_KEY)"],
    ["a Toxiproxy URL of another scheme", { CHAOS_EXTERNAL_TOXIPROXY_URL: "tcp://toxiproxy:8474" }, "CHAOS_EXTERNAL_TOXIPROXY_URL must be an http(s) URL"],
    [
      "a Toxiproxy without its proxies' names",
      { CHAOS_EXTERNAL_TOXIPROXY_URL: "http://toxiproxy:8474", CHAOS_EXTERNAL_TOXIPROXY_S3_PROXY: "s3" },
      "CHAOS_EXTERNAL_TOXIPROXY_POSTGRES_PROXY is required",
    ],
    [
      "a bad proxy name",
      { CHAOS_EXTERNAL_TOXIPROXY_URL: "http://toxiproxy:8474", CHAOS_EXTERNAL_TOXIPROXY_POSTGRES_PROXY: "pg", CHAOS_EXTERNAL_TOXIPROXY_S3_PROXY: "s3/x" },
      "CHAOS_EXTERNAL_TOXIPROXY_S3_PROXY must be a Toxiproxy proxy name",
    ],
  ])("refuses %s, naming the variable and never quoting a credential", (_, change, message) => {
    const error = refusal({ ...VALID, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, ...change });
    expect(error.message).toContain(`invalid external environment: ${message}`);
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain(SECRET_KEY);
  });
});

describe("externalTarget", () => {
  it("names the exact host:port of each dependency, and of the user's Toxiproxy", () => {
    expect(externalTarget(externalConfigFromEnv(VALID))).toBe("external (postgres db.staging.example:6432, s3 minio.staging.example:9000)");
    const withToxiproxy = externalConfigFromEnv({
      ...VALID,
      CHAOS_EXTERNAL_DATABASE_URL: "postgres://chaos@[::1]:5433/postgres",
      CHAOS_EXTERNAL_TOXIPROXY_URL: "http://10.0.0.7:8474",
      CHAOS_EXTERNAL_TOXIPROXY_POSTGRES_PROXY: "pg",
      CHAOS_EXTERNAL_TOXIPROXY_S3_PROXY: "s3",
    });
    expect(externalTarget(withToxiproxy)).toBe("external (postgres [::1]:5433, s3 minio.staging.example:9000, toxiproxy 10.0.0.7:8474)");
  });
});

describe("the opt-in to an external target", () => {
  it("reads the same variable as the experiment's blast-radius guard", () => {
    expect(ALLOW_TARGET_VARIABLE).toBe(EXPERIMENT_ALLOW_TARGET_VARIABLE);
  });

  it("refuses an unlisted target and says what to set", () => {
    const target = "external (postgres db:5432, s3 minio:9000)";
    expect(() => checkTargetOptIn(target, undefined)).toThrow(new TargetNotAllowedError(target, undefined).message);
    expect(() => checkTargetOptIn(target, undefined)).toThrow(`Opt in explicitly with CHAOS_ALLOW_TARGET="external (postgres db:5432, s3 minio:9000)"`);
    expect(() => checkTargetOptIn(target, "external (postgres db:5432)")).toThrow(
      /\(it is set to "external \(postgres db:5432\)", which names another target\)$/,
    );
    expect(() => checkTargetOptIn(target, target)).not.toThrow();
  });

  it("refuses to start before touching anything: nothing listens at the given addresses, and the refusal is the guard's", async () => {
    // Port 9 (discard) on a TEST-NET address: any connection attempt would fail or hang, not answer with the guard's message.
    const variables = {
      ...VALID,
      CHAOS_EXTERNAL_DATABASE_URL: `postgres://chaos:${PASSWORD}@192.0.2.1:9/postgres`,
      CHAOS_EXTERNAL_S3_ENDPOINT: "http://192.0.2.1:9",
      CHAOS_EXTERNAL_TOXIPROXY_URL: "http://192.0.2.1:9",
      CHAOS_EXTERNAL_TOXIPROXY_POSTGRES_PROXY: "pg",
      CHAOS_EXTERNAL_TOXIPROXY_S3_PROXY: "s3",
    };
    const started = performance.now();
    const refused = await new ExternalEnvironment()
      .withVariables({ ...variables, [ALLOW_TARGET_VARIABLE]: "external (postgres 192.0.2.1:9, s3 192.0.2.1:9)" })
      .start()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(TargetNotAllowedError);
    expect((refused as Error).message).toContain(`${ALLOW_TARGET_VARIABLE}="external (postgres 192.0.2.1:9, s3 192.0.2.1:9, toxiproxy 192.0.2.1:9)"`);
    expect((refused as Error).message).not.toContain(PASSWORD);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
