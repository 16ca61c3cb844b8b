import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { transientReason } from "../error-classifier.ts";
import { createS3Client } from "./s3-client.ts";

const REQUEST_TIMEOUT_MS = 200;

describe("createS3Client", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("gives up on a server that never answers after requestTimeout, with an error the retry policy calls a timeout", async () => {
    const held: IncomingMessage[] = [];
    server = createServer((request) => void held.push(request));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const client = createS3Client(
      {
        endpoint: `http://127.0.0.1:${port}`,
        region: "us-east-1",
        bucket: "midi",
        prefix: "",
        forcePathStyle: true,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      },
      REQUEST_TIMEOUT_MS,
    );
    try {
      const started = performance.now();
      const error = await client.send(new ListObjectsV2Command({ Bucket: "midi" })).then(
        () => expect.fail("expected a timeout"),
        (caught: unknown) => caught,
      );
      const elapsedMs = performance.now() - started;
      expect(held).toHaveLength(1);
      expect(error).toMatchObject({ name: "TimeoutError", code: "ETIMEDOUT" });
      expect(transientReason(error)).toBe("timeout");
      expect(elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 1);
      expect(elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000);
    } finally {
      client.destroy();
    }
  }, 5_000);
});
