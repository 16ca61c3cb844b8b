import { describe, expect, it } from "vitest";
import { pipelineDatabaseName, POSTGRES_IDENTIFIER_MAX_LENGTH } from "./database-name.ts";

describe("pipelineDatabaseName", () => {
  it("lower-cases the label, replaces what Postgres would need quoted, and adds a random suffix", () => {
    const name = pipelineDatabaseName("Golden-Run 1");
    expect(name).toMatch(/^golden_run_1_[0-9a-f]{8}$/);
    expect(pipelineDatabaseName("Golden-Run 1")).not.toBe(name);
  });

  it("keeps long names within Postgres' identifier limit, ending with the unique suffix", () => {
    const name = pipelineDatabaseName("x".repeat(100));
    expect(name).toHaveLength(POSTGRES_IDENTIFIER_MAX_LENGTH);
    expect(name).toMatch(/^x+_[0-9a-f]{8}$/);
  });
});
