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
    expect((await explore(["--seeds", "3"])).code).toBe(2);
  });

  it("prints its usage with the selections, the filter and the exit codes", async () => {
    const { code, stdout } = await explore(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--select SET");
    expect(stdout).toContain("--filter TEXT");
    expect(stdout).toMatch(/^ {2}1 {4}a cell was red/m);
  });
});
