import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { FaultParameterError } from "../../core/index.ts";
import { cpuPressure, exhaustPostgresConnections, holdTableLock, memoryCapMebibytes, memoryPressure, slowQueries, type TableLockMode } from "./index.ts";

/** Nothing listens here: a fault that connected before validating would fail with ECONNREFUSED instead. */
const UNREACHABLE_URI = "postgres://chaos:secret@127.0.0.1:1/scale";

async function rejectionOf(inject: () => Promise<unknown>): Promise<FaultParameterError> {
  const error = await inject().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(FaultParameterError);
  return error as FaultParameterError;
}

describe("resource fault parameters are validated before anything is injected", () => {
  it.each([
    ["workers", () => cpuPressure({ workers: 0 })],
    ["workers", () => cpuPressure({ workers: 1.5 })],
    ["workers", () => cpuPressure({ workers: availableParallelism() + 1 })],
    ["durationMs", () => cpuPressure({ workers: 1, durationMs: -1 })],
    ["mebibytes", () => memoryPressure({ mebibytes: 0 })],
    ["mebibytes", () => memoryPressure({ mebibytes: memoryCapMebibytes() + 1 })],
    ["durationMs", () => memoryPressure({ mebibytes: 1, durationMs: Number.NaN })],
    ["table", () => holdTableLock({ connectionUri: UNREACHABLE_URI, table: " " })],
    ["mode", () => holdTableLock({ connectionUri: UNREACHABLE_URI, table: "t", mode: "ACCESS EXCLUSIVE MODE; DROP TABLE t; --" as TableLockMode })],
    ["sessions", () => slowQueries({ connectionUri: UNREACHABLE_URI, sessions: 0 })],
    ["rowsPerQuery", () => slowQueries({ connectionUri: UNREACHABLE_URI, sessions: 1, rowsPerQuery: -5 })],
    ["reserve", () => exhaustPostgresConnections({ connectionUri: UNREACHABLE_URI, reserve: -1 })],
    ["connectionUri", () => exhaustPostgresConnections({ connectionUri: "" })],
  ])("names %s", async (field, inject) => {
    const error = await rejectionOf(inject);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it("never echoes a connection string, which carries credentials", async () => {
    const error = await rejectionOf(() => exhaustPostgresConnections({ connectionUri: "mysql://chaos:secret@host/db" }));
    expect(error.message).not.toContain("secret");
  });
});
