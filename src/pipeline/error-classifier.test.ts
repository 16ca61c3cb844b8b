import { describe, expect, it } from "vitest";
import { transientReason } from "./error-classifier.ts";
import { BodyIntegrityError } from "./errors.ts";

function withCode(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe("transientReason", () => {
  it.each([
    ["ECONNRESET", "connection-reset"],
    ["ECONNREFUSED", "connection-refused"],
    ["ETIMEDOUT", "timeout"],
    ["EPIPE", "broken-pipe"],
  ])("treats network error %s as transient (%s)", (code, reason) => {
    expect(transientReason(withCode(code))).toBe(reason);
  });

  it.each([
    [429, "throttled"],
    [500, "server-error"],
    [502, "server-error"],
    [503, "server-error"],
    [504, "server-error"],
  ])("treats HTTP %i from the S3 SDK as transient (%s)", (status, reason) => {
    const error = Object.assign(new Error("S3 said no"), { name: "UnknownError", $metadata: { httpStatusCode: status } });
    expect(transientReason(error)).toBe(reason);
  });

  it("treats S3 SlowDown as throttling even without a status", () => {
    expect(transientReason(Object.assign(new Error("Please reduce your request rate."), { name: "SlowDown" }))).toBe("throttled");
  });

  it.each([
    ["NoSuchKey", 404],
    ["AccessDenied", 403],
    ["NoSuchBucket", 404],
  ])("does not retry the permanent S3 error %s", (name, status) => {
    expect(transientReason(Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } }))).toBeUndefined();
  });

  it.each([
    ["57P01", "database-unavailable"],
    ["08006", "database-unavailable"],
    ["53300", "database-unavailable"],
    ["40001", "serialization"],
    ["40P01", "serialization"],
  ])("treats SQLSTATE %s as transient", (code, reason) => {
    expect(transientReason(withCode(code, "postgres error"))).toBe(reason);
  });

  it.each(["23505", "42P01", "22P02"])("does not retry SQLSTATE %s (a bug or bad data, not an outage)", (code) => {
    expect(transientReason(withCode(code, "postgres error"))).toBeUndefined();
  });

  it("recognises node-postgres' own connection-loss errors by message", () => {
    expect(transientReason(new Error("Connection terminated unexpectedly"))).toBe("connection-reset");
    expect(transientReason(new Error("Query read timeout"))).toBe("timeout");
  });

  it("follows cause chains and aggregate errors", () => {
    const nested = new Error("outer", { cause: new Error("middle", { cause: withCode("ECONNRESET") }) });
    expect(transientReason(nested)).toBe("connection-reset");
    expect(transientReason(new AggregateError([new Error("x"), withCode("ECONNREFUSED")]))).toBe("connection-refused");
  });

  it("treats a truncated or corrupted body as transient", () => {
    expect(transientReason(new BodyIntegrityError("a.mid", "truncated", "10 of 20 bytes"))).toBe("body-integrity");
  });

  it("does not retry programming errors or thrown non-errors", () => {
    expect(transientReason(new TypeError("x is not a function"))).toBeUndefined();
    expect(transientReason("a string")).toBeUndefined();
    expect(transientReason(undefined)).toBeUndefined();
  });
});
