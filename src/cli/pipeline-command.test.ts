import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../bin/chaos-control.mjs", import.meta.url));

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
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

  it("names the flag of a non-numeric option", () => {
    const { code, stderr } = cli(["pipeline", "--database-url", "postgres://u@h/d", "--bucket", "b", "--concurrency", "lots"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--concurrency");
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
