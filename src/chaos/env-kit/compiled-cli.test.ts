import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { PIPELINE_CLI_VARIABLE, pipelineCli, startCliCompile } from "./compiled-cli.ts";

const SOURCE_CLI = fileURLToPath(new URL("../../../bin/chaos-control.mjs", import.meta.url));
const named = process.env[PIPELINE_CLI_VARIABLE];

afterEach(() => {
  if (named === undefined) delete process.env[PIPELINE_CLI_VARIABLE];
  else process.env[PIPELINE_CLI_VARIABLE] = named;
});

describe("the pipeline's child processes run compiled JavaScript when it is ready", () => {
  it("uses the sources through tsx when no compiled CLI is named, or the named one is unfinished", async () => {
    delete process.env[PIPELINE_CLI_VARIABLE];
    expect(pipelineCli()).toBe(SOURCE_CLI);
    const unfinished = await mkdtemp(join(tmpdir(), "chaos-cli-unfinished-"));
    try {
      process.env[PIPELINE_CLI_VARIABLE] = join(unfinished, "bin/chaos-control.mjs");
      expect(pipelineCli()).toBe(SOURCE_CLI);
    } finally {
      await rm(unfinished, { recursive: true, force: true });
    }
  });

  it("compiles the sources into a CLI that answers as the sources do, and names it once it is finished", { timeout: 120_000 }, async () => {
    // The run's global setup has usually compiled this version already; then this only finds it.
    const { cli, done } = await startCliCompile();
    await done;
    const tree = dirname(dirname(cli));
    expect(existsSync(join(tree, "src/cli/main.js"))).toBe(true);
    expect(existsSync(join(tree, "src/cli/main.ts"))).toBe(false);
    process.env[PIPELINE_CLI_VARIABLE] = cli;
    expect(pipelineCli()).toBe(cli);

    // A refused flag: the same message and exit code from the compiled CLI and from the sources.
    const args = ["pipeline", "--bucket", "songs", "--no-such-flag"];
    const compiled = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
    const source = spawnSync(process.execPath, [SOURCE_CLI, ...args], { encoding: "utf8" });
    expect(compiled.status).toBe(2);
    expect(compiled.status).toBe(source.status);
    expect(compiled.stderr).toBe(source.stderr);
  });
});
