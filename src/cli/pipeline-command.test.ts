import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { pipelineCli } from "../chaos/env-kit/index.ts";

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [pipelineCli(), ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("chaos-control pipeline, given bad configuration", () => {
  it("fails at once with exit code 2 and names the missing field", () => {
    const { code, stderr } = cli(["pipeline", "--database-url", "postgres://u:pw@127.0.0.1:1/db"]);
    expect(code).toBe(2);
    expect(stderr).toContain("s3.bucket is required");
  });

  it("names a malformed value and never echoes the password", () => {
    const { code, stderr } = cli(["pipeline", "--database-url", "mysql://u:hunter2@db/x", "--bucket", "b"]);
    expect(code).toBe(2);
    expect(stderr).toContain("databaseUrl");
    expect(stderr).not.toContain("hunter2");
  });

  it("warns that a password in --database-url shows in the process list, and takes DATABASE_URL without a warning", () => {
    const flag = cli(["pipeline", "--database-url", "postgres://u:pw@127.0.0.1:1/db"]);
    expect(flag.stderr).toContain("the password in --database-url is visible to every local user in the process list");
    expect(flag.stderr).not.toContain(":pw@");
    const variable = cli(["pipeline"], { DATABASE_URL: "postgres://u:pw@127.0.0.1:1/db" });
    expect(variable.code).toBe(2);
    expect(variable.stderr).toContain("s3.bucket is required");
    expect(variable.stderr).not.toContain("process list");
  });

  it("names the flag of a non-numeric option", () => {
    const { code, stderr } = cli(["pipeline", "--database-url", "postgres://u@h/d", "--bucket", "b", "--concurrency", "lots"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--concurrency");
  });

  it("names --retry-attempts when it leaves no first attempt", () => {
    for (const attempts of ["0", "-3", "two"]) {
      const { code, stderr } = cli(["pipeline", "--database-url", "postgres://u@h/d", "--bucket", "b", "--retry-attempts", attempts]);
      expect(code, attempts).toBe(2);
      expect(stderr, attempts).toContain("--retry-attempts");
    }
  });

  it("rejects unknown flags with the usage text", () => {
    const { code, stderr } = cli(["pipeline", "--bukket", "b"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown option '--bukket'/);
    expect(stderr).toContain("Usage: chaos-control pipeline");
  });

  it("rejects an unknown command", () => {
    const { code, stderr } = cli(["pipelin"]);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "pipelin"');
  });
});

describe("chaos-control pipeline, given its shard by a Kubernetes Indexed Job", () => {
  const DATA = ["pipeline", "--database-url", "postgres://u@127.0.0.1:1/d", "--bucket", "b"];

  it("takes the shard index from $JOB_COMPLETION_INDEX and the count from $SHARD_COUNT", () => {
    const { code, stderr } = cli(DATA, { JOB_COMPLETION_INDEX: "3", SHARD_COUNT: "3" });
    expect(code).toBe(2);
    expect(stderr).toContain("--shard-index (from $JOB_COMPLETION_INDEX) must be an integer in 0..2, got 3");
  });

  it.each([
    [["--shard-index", "1"], "--shard-count is required with --shard-index"],
    [["--shard-count", "3", "--stages", "similarity"], "--shard-index is required with --shard-count 3"],
    [["--shard-index", "0", "--shard-count", "0"], "--shard-count must be a positive integer, got 0"],
    [["--shard-index=-1", "--shard-count", "2", "--stages", "similarity"], "--shard-index must be an integer in 0..1, got -1"],
    [["--shard-index", "x", "--shard-count", "2"], '--shard-index must be an integer, got "x"'],
    [["--shard-index", "1", "--shard-count", "2"], "stages must name one stage in a sharded run"],
  ])("refuses %j, naming the flag", (args, message) => {
    const { code, stderr } = cli([...DATA, ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it("lets the flags win over the environment", () => {
    // A valid shard from the flags gets past the shard check to the next field, which is bad on purpose.
    const { code, stderr } = cli([...DATA, "--shard-index", "1", "--shard-count", "3", "--stages", "bogus"], { JOB_COMPLETION_INDEX: "7", SHARD_COUNT: "2" });
    expect(code).toBe(2);
    expect(stderr).toContain('stages has unknown stage "bogus"');
    expect(stderr).not.toContain("shard");
  });

  it("names the variable a bad value came from", () => {
    const { code, stderr } = cli(DATA, { JOB_COMPLETION_INDEX: "0", SHARD_COUNT: "three" });
    expect(code).toBe(2);
    expect(stderr).toContain("--shard-count (from $SHARD_COUNT) must be an integer");
  });

  it("refuses an index from the Job without a shard count, instead of silently extracting everything", () => {
    const { code, stderr } = cli(DATA, { JOB_COMPLETION_INDEX: "1" });
    expect(code).toBe(2);
    expect(stderr).toContain("$SHARD_COUNT");
  });

  it("treats empty variables as unset", () => {
    const { code, stderr } = cli([...DATA, "--stages", "bogus"], { JOB_COMPLETION_INDEX: "", SHARD_COUNT: "" });
    expect(code).toBe(2);
    expect(stderr).toContain('stages has unknown stage "bogus"');
  });

  it("rejects a negative metrics linger", () => {
    const { code, stderr } = cli([...DATA, "--metrics-linger-seconds=-1"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--metrics-linger-seconds must not be negative");
  });
});
