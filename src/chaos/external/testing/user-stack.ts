import { CreateBucketCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { createS3Client } from "../../../pipeline/index.ts";
import { startToxiproxyServer, type StartedToxiproxyServer } from "../../toxiproxy/index.ts";
import { ExternalEnvironment } from "../external-env.ts";

/** The user's own bucket, holding `app/keep.txt`. */
export const USER_BUCKET = "user-data";

/** A Postgres server of the user's (the embedded area's `PostgresServer` in tests: this area may not import it). */
export interface UserPostgres {
  readonly port: number;
  readonly password: string;
  connectionUri(database?: string): string;
  createDatabase(name: string): Promise<unknown>;
  stop(): Promise<void>;
}

/** An S3 server of the user's and the credentials it accepts. */
export interface UserS3 {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The raw servers a test starts for the user's stack (they may not be started by the environment's code). */
export interface UserServers {
  postgres: UserPostgres;
  s3: UserS3;
  s3Credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * "The user's stack": a Postgres, an S3 server and a Toxiproxy started with
 * the raw building blocks, apart from the external environment's code, and
 * holding data of the user's own (a database `user_app` with two orders, a
 * bucket with one object, proxies `pg_main` and `minio`). The environment
 * under test only gets their URLs, as it would for a staging stack.
 */
export class UserStack implements AsyncDisposable {
  private constructor(
    readonly postgres: UserPostgres,
    readonly s3: UserS3,
    private readonly s3Credentials: UserServers["s3Credentials"],
    readonly toxiproxy: StartedToxiproxyServer,
    private readonly s3Admin: S3Client,
  ) {}

  /** Fills the servers with the user's data and starts the user's Toxiproxy in front of them; {@link stop} stops them all. */
  static async start(servers: Promise<UserServers>): Promise<UserStack> {
    const [{ postgres, s3, s3Credentials }, toxiproxy] = await Promise.all([servers, startToxiproxyServer({ host: "127.0.0.1", port: 0 })]);
    const s3Admin = createS3Client(
      { endpoint: s3.endpoint, region: "us-east-1", bucket: "x", prefix: "", forcePathStyle: true, credentials: { ...s3Credentials } },
      10_000,
    );
    const stack = new UserStack(postgres, s3, s3Credentials, toxiproxy, s3Admin);
    try {
      await postgres.createDatabase("user_app");
      await query(postgres.connectionUri("user_app"), "CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1), (2)");
      await s3Admin.send(new CreateBucketCommand({ Bucket: USER_BUCKET }));
      await s3Admin.send(new PutObjectCommand({ Bucket: USER_BUCKET, Key: "app/keep.txt", Body: "the user's" }));
      const api = toxiproxy.api();
      await api.createProxy({ name: "pg_main", listen: "127.0.0.1:0", upstream: `127.0.0.1:${postgres.port}` });
      await api.createProxy({ name: "minio", listen: "127.0.0.1:0", upstream: new URL(s3.endpoint).host });
      return stack;
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }

  /**
   * The `CHAOS_EXTERNAL_*` variables a user would set for this stack, with
   * `CHAOS_ALLOW_TARGET` opting into its exact target: the stack's bucket
   * (default the user's), and its Toxiproxy with its two proxies or none
   * (the project's own proxies are started in front of it).
   */
  variables(options: { bucket?: string; toxiproxy: boolean }): Record<string, string> {
    const all: Record<string, string> = {
      CHAOS_EXTERNAL_DATABASE_URL: this.postgres.connectionUri("postgres"),
      CHAOS_EXTERNAL_S3_ENDPOINT: this.s3.endpoint,
      CHAOS_EXTERNAL_S3_BUCKET: options.bucket ?? USER_BUCKET,
      CHAOS_EXTERNAL_S3_ACCESS_KEY_ID: this.s3Credentials.accessKeyId,
      CHAOS_EXTERNAL_S3_SECRET_ACCESS_KEY: this.s3Credentials.secretAccessKey,
      ...(options.toxiproxy
        ? { CHAOS_EXTERNAL_TOXIPROXY_URL: this.toxiproxy.url, CHAOS_EXTERNAL_TOXIPROXY_POSTGRES_PROXY: "pg_main", CHAOS_EXTERNAL_TOXIPROXY_S3_PROXY: "minio" }
        : {}),
    };
    return { ...all, CHAOS_ALLOW_TARGET: new ExternalEnvironment().withVariables(all).resolve().target };
  }

  /** The secrets of the stack, which must never appear in output or journals. */
  get secrets(): string[] {
    return [this.postgres.password, this.s3Credentials.secretAccessKey];
  }

  /** Everything of the stack a run could leave changed: databases, the user's rows, every bucket and key, every proxy and its toxics. */
  async state() {
    const databases = (await query(this.postgres.connectionUri(), "SELECT datname FROM pg_database ORDER BY datname")).map((row) => row.datname as string);
    const orders = await query(this.postgres.connectionUri("user_app"), "SELECT id FROM orders ORDER BY id");
    const buckets = ((await this.s3Admin.send(new ListBucketsCommand({}))).Buckets ?? []).map((bucket) => bucket.Name!).sort();
    const objects = await Promise.all(
      buckets.map(async (bucket) => [
        bucket,
        ((await this.s3Admin.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((object) => object.Key),
      ]),
    );
    const proxies = Object.values(await this.toxiproxy.api().listProxies()).map(({ name, enabled, listen, upstream, toxics }) => ({
      name,
      enabled,
      listen,
      upstream,
      toxics,
    }));
    return { databases, orders, objects, proxies };
  }

  async stop(): Promise<void> {
    this.s3Admin.destroy();
    await Promise.allSettled([this.postgres.stop(), this.s3.stop(), this.toxiproxy.stop()]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** The rows of the last statement of `sql`. */
export async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result: pg.QueryResult | pg.QueryResult[] = await client.query(sql);
    return (Array.isArray(result) ? result.at(-1)! : result).rows;
  } finally {
    await client.end();
  }
}

/** What {@link UserStack.state} reads. */
export type UserStackState = Awaited<ReturnType<UserStack["state"]>>;
