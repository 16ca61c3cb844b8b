import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSoakCommand } from "./soak-command.ts";
import { runCaptured } from "./testing/captured-command.ts";

const soak = (argv: string[]) => runCaptured(runSoakCommand, argv);

describe("chaos-control soak", () => {
  it("refuses a missing or bad N, naming it", async () => {
    expect((await soak([])).code).toBe(2);
    const bad = await soak(["ten"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('N must be a whole number of runs ≥ 1, got "ten"');
    expect((await soak(["2", "--env", "mars"])).stderr).toContain("--env must be one of embedded, containers");
  });

  it("runs the suite N times, keeps each run's JUnit report and writes the tally", async () => {
    const dir = await mkdtemp(join(tmpdir(), "chaos-soak-"));
    try {
      const { code, stdout, stderr } = await soak(["2", "--dir", dir, "src/cli/junit-results"]);
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/run 1\/2: [1-9]\d* passed, 0 failed/);
      expect(stderr).toMatch(/run 2\/2: [1-9]\d* passed, 0 failed/);
      expect(stdout).toBe("soak: 2 run(s), 2 without a failure: no test failed\n");
      const tally = JSON.parse(await readFile(join(dir, "soak.json"), "utf8")) as { runs: number; failedRuns: number[] };
      expect(tally).toMatchObject({ runs: 2, failedRuns: [] });
      expect(await readFile(join(dir, "run-2", "junit.xml"), "utf8")).toContain("junit-results.test.ts");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
