import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runValidateCommand } from "./experiment-file-command.ts";
import { main } from "./main.ts";
import { runCaptured } from "./testing/captured-command.ts";

const EXPERIMENTS = fileURLToPath(new URL("../../experiments/", import.meta.url));
const EXAMPLES = ["postgres-network-partition.yaml", "s3-throttling.yaml", "postgres-kill-mid-copy.json"].map((name) => join(EXPERIMENTS, name));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "chaos-experiment-files-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("chaos-control validate", () => {
  it("accepts the example files, with the variables one of them uses", async () => {
    const { code, stdout, stderr } = await runCaptured(runValidateCommand, [...EXAMPLES, "--var", "songs=10", "--var", "partition_ms=2000"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toEqual([
      `${EXAMPLES[0]}: valid: postgres-network-partition-file: 1 fault (partition Postgres), 4 hypothesis probes`,
      `${EXAMPLES[1]}: valid: s3-throttling-file: 1 fault (S3 SlowDown), 4 hypothesis probes`,
      `${EXAMPLES[2]}: valid: postgres-kill-mid-copy-file: 1 fault (kill -9 Postgres), 4 hypothesis probes`,
    ]);
  });

  it("lists every problem with file, line and field, and exits 1; a variable no file uses is one", async () => {
    const bad = join(dir, "bad.yaml");
    await writeFile(
      bad,
      "id: bad\ntitle: t\ncause: overload\ncorpus: { syntheticSongs: 1 }\nhypothesis: []\nmethod:\n  - { name: x, fault: { kind: pause } }\nbudget: { recoveryMs: -1 }\n",
    );
    const { code, stdout, stderr } = await runCaptured(runValidateCommand, [bad, EXAMPLES[1]!, "--var", "unused=1"]);
    expect(code).toBe(1);
    expect(stdout).toContain("s3-throttling-file");
    expect(stderr.split("\n")).toEqual([
      `${bad}: 2 problems`,
      `  ${bad}:7: method[0].fault.service: is required`,
      `  ${bad}:8: budget.recoveryMs: must be >= 0, got -1`,
      "--var unused: no file uses ${unused}",
      "",
    ]);
  });
});

describe("chaos-control run FILE", () => {
  it("exits 3, a safety refusal, when the external environment's target is not opted into", async () => {
    // TEST-NET addresses on port 9: a connection attempt would hang or fail, never answer with the guard's message.
    const stack = {
      CHAOS_EXTERNAL_DATABASE_URL: "postgres://chaos:pg-secret@192.0.2.1:9/postgres",
      CHAOS_EXTERNAL_S3_ENDPOINT: "http://192.0.2.1:9",
      CHAOS_EXTERNAL_S3_BUCKET: "user-data",
      CHAOS_EXTERNAL_S3_ACCESS_KEY_ID: "AKIDEXAMPLE",
      CHAOS_EXTERNAL_S3_SECRET_ACCESS_KEY: "s3-secret",
    };
    const saved = Object.fromEntries([...Object.keys(stack), "CHAOS_ALLOW_TARGET"].map((name) => [name, process.env[name]]));
    Object.assign(process.env, stack);
    delete process.env.CHAOS_ALLOW_TARGET;
    try {
      const { code, stderr } = await runCaptured(main, ["run", EXAMPLES[1]!, "--env", "external"]);
      expect(stderr).toContain(`${EXAMPLES[1]}: the external environment was refused by the blast-radius guard: `);
      expect(stderr).toContain(`Opt in explicitly with CHAOS_ALLOW_TARGET="external (postgres 192.0.2.1:9, s3 192.0.2.1:9)"`);
      expect(stderr).not.toMatch(/pg-secret|s3-secret/);
      expect(code).toBe(3);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("refuses a file with a missing variable before starting any environment, naming it and its line (exit 2)", async () => {
    const started = performance.now();
    const { code, stderr } = await runCaptured(main, ["run", EXAMPLES[0]!, "--var", "songs=10"]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${EXAMPLES[0]}:4: \${partition_ms}: is not set: pass --var partition_ms=…`);
    expect(stderr).toContain(`${EXAMPLES[0]}:17: \${partition_ms}: is not set`);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("says how it is used, and refuses more than one file", async () => {
    expect((await runCaptured(main, ["run", EXAMPLES[1]!, "--help"])).stdout).toMatch(/^Usage: chaos-control run FILE/);
    const { code, stderr } = await runCaptured(main, ["run", EXAMPLES[1]!, EXAMPLES[2]!]);
    expect(code).toBe(2);
    expect(stderr).toContain("run takes one experiment file, got 2");
  });
});
