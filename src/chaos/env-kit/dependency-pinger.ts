import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { createS3Client, type S3SourceConfig } from "../../pipeline/index.ts";
import type { ServiceName } from "../core/index.ts";

/** The key the S3 ping asks for; it never exists. */
const PROBE_KEY = ".chaos-control/ping";

/**
 * Times round trips to Postgres (`SELECT 1`) and S3 (an object HEAD) on the
 * pipeline's path, reusing one connection of each while they work, as the
 * pipeline's pools do; a failed or timed-out round trip drops the connection
 * and the next ping connects afresh (and pays for it, as the pipeline would).
 */
export class DependencyPinger {
  private postgres: pg.Client | undefined;
  private s3: S3Client | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly s3Source: S3SourceConfig,
  ) {}

  async ping(service: ServiceName, timeoutMs: number): Promise<number> {
    const started = performance.now();
    if (service === "postgres") await this.pingPostgres(timeoutMs);
    else await this.pingS3(timeoutMs);
    return performance.now() - started;
  }

  close(): void {
    this.dropPostgres();
    this.s3?.destroy();
    this.s3 = undefined;
  }

  private async pingPostgres(timeoutMs: number): Promise<void> {
    try {
      if (!this.postgres) {
        const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
        // A connection the server or a partition has closed between pings is dropped at once, so the next ping
        // measures the dependency (connecting afresh) instead of failing on the dead client ("not queryable").
        const dropIfCurrent = (): void => {
          if (this.postgres === client) this.dropPostgres();
        };
        client.on("error", dropIfCurrent);
        client.on("end", dropIfCurrent);
        this.postgres = client;
        await client.connect();
      }
      await this.postgres.query("SELECT 1");
    } catch (error) {
      this.dropPostgres();
      throw error;
    }
  }

  /**
   * HEAD of an object that does not exist: the cheapest request that goes
   * through the same path as a download (a bucket HEAD makes some servers
   * scan the bucket). "404 Not Found" is the server answering; anything else
   * (503 SlowDown, a reset, a timeout) is a failed round trip.
   */
  private async pingS3(timeoutMs: number): Promise<void> {
    this.s3 ??= createS3Client(this.s3Source, timeoutMs);
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.s3Source.bucket, Key: PROBE_KEY }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw error;
    }
  }

  private dropPostgres(): void {
    const client = this.postgres;
    this.postgres = undefined;
    // Does not wait: a frozen server would never answer the goodbye.
    void client?.end().catch(() => undefined);
  }
}
