import { describe, expect, it } from "vitest";
import { runExploreCommand } from "./explore-command.ts";
import { runCaptured } from "./testing/captured-command.ts";

const explore = (argv: string[]) => runCaptured(runExploreCommand, argv);

describe("chaos-control explore", () => {
  it("refuses bad options before starting anything, naming the option", async () => {
    const select = await explore(["--select", "most"]);
    expect(select.code).toBe(2);
    expect(select.stderr).toContain('--select must be one of smoke, full, got "most"');
    const workers = await explore(["--workers", "0"]);
    expect(workers.code).toBe(2);
    expect(workers.stderr).toContain('--workers must be an integer 1..8, got "0"');
  });

  it("refuses bad schedule options before starting anything, naming the option or the schedule's field", async () => {
    const refused = async (argv: string[], message: string) => {
      const { code, stderr } = await explore(argv);
      expect(code, argv.join(" ")).toBe(2);
      expect(stderr).toContain(message);
    };
    await refused(["--seeds", "3"], "--seeds needs --schedules");
    await refused(["--schedules", "--seeds", "0"], '--seeds must be an integer 1..10000, got "0"');
    await refused(["--schedules", "--seed", "1.5"], '--seed must be a 32-bit integer, got "1.5"');
    await refused(["--schedules", "--shrink-runs=-1"], '--shrink-runs must be an integer 0..1000, got "-1"');
    await refused(["--schedules", "--filter", "pg COMMIT"], "--filter applies to the matrix, not to --schedules or --schedule");
    await refused(["--schedule", '[{"point":"pg COMMIT","kind":"reset","nth":1}]', "--seed", "4"], "--schedule replays one schedule and takes no --seed");
    await refused(["--schedule", '[{"point":"pg COMMIT","kind":"reset","nth":"2"}]'], '--schedule: faults[0].nth: must be an integer 1.., got "2"');
    await refused(["--schedule", "[]"], "--schedule: schedule: must be an array of 1 to 3 faults");
  });

  it("prints its usage with the selections, the filter and the exit codes", async () => {
    const { code, stdout } = await explore(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--select SET");
    expect(stdout).toContain("--filter TEXT");
    expect(stdout).toMatch(/^ {2}1 {4}a cell \(schedule\) was red/m);
    expect(stdout).toContain("--schedules");
    expect(stdout).toContain("--seeds N");
    expect(stdout).toContain("--schedule JSON");
  });
});
