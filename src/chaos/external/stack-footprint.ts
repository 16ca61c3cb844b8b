import { DeleteBucketCommand, DeleteObjectCommand, HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import pg from "pg";

/**
 * What the suite put into the user's stack, so that stopping takes exactly
 * that away again: the databases it created, the objects it seeded, the
 * bucket if it had to create it. Nothing else of the user's is touched.
 */
export class StackFootprint {
  private readonly databases = new Set<string>();
  private readonly keys = new Set<string>();
  private bucketCreated = false;
  private bucketChecked = false;

  constructor(
    /** The user's Postgres, the database given (contains the password). */
    private readonly adminUrl: string,
    private readonly bucket: string,
  ) {}

  /** Creates a database of the suite's own; it is dropped by {@link clear}. */
  async createDatabase(name: string): Promise<void> {
    await withClient(this.adminUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
    this.databases.add(name);
  }

  /** Before the first upload: notes whether the bucket exists, so a bucket the suite creates is removed again. */
  async beforeSeeding(s3: S3Client): Promise<void> {
    if (this.bucketChecked) return;
    this.bucketCreated = !(await bucketExists(s3, this.bucket));
    this.bucketChecked = true;
  }

  /** Objects the suite uploaded; deleted by {@link clear}. */
  seeded(keys: Iterable<string>): void {
    for (const key of keys) this.keys.add(key);
  }

  /** The databases created so far (their names start with `chaos_`). */
  get createdDatabases(): readonly string[] {
    return [...this.databases];
  }

  /** Drops every database created, deletes every object seeded, and the bucket if the suite created it. Every step is attempted. */
  async clear(s3: S3Client): Promise<void> {
    const failures: unknown[] = [];
    for (const name of this.databases) {
      await dropDatabase(this.adminUrl, name).then(
        () => this.databases.delete(name),
        (error: unknown) => failures.push(new Error(`could not drop database ${name}`, { cause: error })),
      );
    }
    // One DeleteObject at a time: servers differ in the DeleteObjects checksum they accept, and s3rver fails
    // concurrent deletes under one prefix (each removes the directories it emptied).
    for (const key of [...this.keys]) {
      await s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })).then(
        () => this.keys.delete(key),
        (error: unknown) => failures.push(new Error(`could not delete seeded object ${key} from bucket ${this.bucket}`, { cause: error })),
      );
    }
    if (this.bucketCreated && failures.length === 0) {
      await s3.send(new DeleteBucketCommand({ Bucket: this.bucket })).then(
        () => (this.bucketCreated = false),
        (error: unknown) => failures.push(new Error(`could not remove bucket ${this.bucket}, which the suite created`, { cause: error })),
      );
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, `could not leave the external stack as it was found: ${failures.map((failure) => describe(failure)).join("; ")}`);
    }
  }
}

function describe(failure: unknown): string {
  if (!(failure instanceof Error)) return String(failure);
  return failure.cause instanceof Error ? `${failure.message} (${failure.cause.message})` : failure.message;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops `name`, ending the sessions still in it (a killed pipeline's, a held lock's) first. */
async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}`);
  });
}

async function bucketExists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return false;
    throw error;
  }
}
