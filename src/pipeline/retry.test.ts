import { describe, expect, it } from "vitest";
import { OperationFailedError, RunAbortedError } from "./errors.ts";
import { backoffDelayMs, withRetry, type RetryPolicy } from "./retry.ts";

const FAST: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 4 };
const reset = () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

describe("withRetry", () => {
  it("retries transient failures until the operation succeeds, reporting each retry", async () => {
    const reasons: string[] = [];
    let calls = 0;
    const result = await withRetry(
      "op",
      FAST,
      async () => {
        calls++;
        if (calls < 3) throw reset();
        return "ok";
      },
      { onRetry: (reason) => reasons.push(reason) },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(reasons).toEqual(["connection-reset", "connection-reset"]);
  });

  it("fails at once on a permanent error", async () => {
    let calls = 0;
    const failure = withRetry("download x", FAST, async () => {
      calls++;
      throw Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } });
    });
    await expect(failure).rejects.toMatchObject({ name: "OperationFailedError", attempts: 1, retryable: false });
    expect(calls).toBe(1);
  });

  it("gives up after maxAttempts and keeps the last cause", async () => {
    let calls = 0;
    const error = await withRetry("op", FAST, async () => {
      calls++;
      throw reset();
    }).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(error).toBeInstanceOf(OperationFailedError);
    expect((error as OperationFailedError).retryable).toBe(true);
    expect((error as OperationFailedError).message).toMatch(/op failed after 4 attempts: .*ECONNRESET/);
  });

  it("stops waiting when aborted", async () => {
    const controller = new AbortController();
    const slow: RetryPolicy = { maxAttempts: 10, baseDelayMs: 60_000, maxDelayMs: 60_000 };
    const pending = withRetry(
      "op",
      slow,
      async () => {
        throw reset();
      },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(RunAbortedError);
  });
});

describe("backoffDelayMs", () => {
  it("doubles per attempt, caps at maxDelayMs and keeps at least half of it fixed (equal jitter)", () => {
    const policy: RetryPolicy = { maxAttempts: 20, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelayMs(policy, 1, () => 0)).toBe(50);
    expect(backoffDelayMs(policy, 1, () => 1)).toBe(100);
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(200);
    expect(backoffDelayMs(policy, 3, () => 1)).toBe(400);
    expect(backoffDelayMs(policy, 10, () => 0)).toBe(500);
    expect(backoffDelayMs(policy, 10, () => 1)).toBe(1_000);
  });
});
