import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listScenarios, runScenariosCommand, scenariosFor, selectScenarios, type ScenarioFile } from "./run-command.ts";
import { runCaptured } from "./testing/captured-command.ts";

const SCENARIOS_DIR = fileURLToPath(new URL("../../scenarios/", import.meta.url));
const CAUSES = ["overload", "equipment-failure", "software-failure"];

const ALL: ScenarioFile[] = [
  { path: "/s/cpu-starvation.test.ts", name: "cpu-starvation", cause: "overload" },
  { path: "/s/postgres-frozen.test.ts", name: "postgres-frozen", cause: "equipment-failure" },
  { path: "/s/postgres-kill-mid-copy.test.ts", name: "postgres-kill-mid-copy", cause: "equipment-failure" },
  { path: "/s/s3-throttling.test.ts", name: "s3-throttling", cause: "overload" },
  { path: "/s/no-cause.test.ts", name: "no-cause", cause: undefined },
];

const run = (argv: string[]) => runCaptured(runScenariosCommand, argv);

describe("selectScenarios", () => {
  const names = (selected: ScenarioFile[]) => selected.map((scenario) => scenario.name);

  it("keeps everything without filters", () => {
    expect(selectScenarios(ALL, [], [])).toEqual(ALL);
  });

  it("keeps scenarios whose name contains any of the names", () => {
    expect(names(selectScenarios(ALL, ["postgres"], []))).toEqual(["postgres-frozen", "postgres-kill-mid-copy"]);
    expect(names(selectScenarios(ALL, ["frozen", "s3"], []))).toEqual(["postgres-frozen", "s3-throttling"]);
    expect(selectScenarios(ALL, ["nothing-like-it"], [])).toEqual([]);
  });

  it("keeps scenarios of any of the causes, never one without a cause", () => {
    expect(names(selectScenarios(ALL, [], ["overload"]))).toEqual(["cpu-starvation", "s3-throttling"]);
    expect(names(selectScenarios(ALL, [], ["overload", "equipment-failure"]))).toHaveLength(4);
    expect(names(selectScenarios(ALL, [], ["software-failure"]))).toEqual([]);
  });

  it("needs both a matching name and a matching cause when given both", () => {
    expect(names(selectScenarios(ALL, ["postgres", "s3"], ["overload"]))).toEqual(["s3-throttling"]);
  });
});

describe("scenariosFor", () => {
  const scenarios: ScenarioFile[] = [
    ...ALL.slice(0, 2),
    { path: "/s/kubernetes/pod-kill-pipeline.test.ts", name: "kubernetes/pod-kill-pipeline", cause: "equipment-failure" },
    { path: "/s/helpers/shared.test.ts", name: "helpers/shared", cause: "overload" },
  ];
  const names = (selected: ScenarioFile[]) => selected.map((scenario) => scenario.name);

  it("keeps a scenario in an environment's folder for that environment only", () => {
    expect(names(scenariosFor("embedded", scenarios).runnable)).toEqual(["cpu-starvation", "postgres-frozen", "helpers/shared"]);
    expect(names(scenariosFor("embedded", scenarios).elsewhere)).toEqual(["kubernetes/pod-kill-pipeline"]);
    expect(names(scenariosFor("containers", scenarios).elsewhere)).toEqual(["kubernetes/pod-kill-pipeline"]);
    expect(scenariosFor("kubernetes", scenarios)).toEqual({ runnable: scenarios, elsewhere: [] });
  });
});

describe("listScenarios", () => {
  it("lists every scenario file of the project, each with a valid cause read from its source", async () => {
    const top = (await readdir(SCENARIOS_DIR)).filter((name) => name.endsWith(".test.ts"));
    const cluster = (await readdir(join(SCENARIOS_DIR, "kubernetes"))).filter((name) => name.endsWith(".test.ts")).map((name) => `kubernetes/${name}`);
    const files = [...top, ...cluster];
    const scenarios = await listScenarios();
    expect(scenarios.map((scenario) => `${scenario.name}.test.ts`).sort()).toEqual(files.sort());
    expect(scenarios.length).toBeGreaterThan(0);
    for (const scenario of scenarios) {
      expect(CAUSES, scenario.name).toContain(scenario.cause);
      expect(scenario.path).toBe(join(SCENARIOS_DIR, `${scenario.name}.test.ts`));
    }
    expect(scenarios.find((scenario) => scenario.name === "postgres-kill-mid-copy")?.cause).toBe("equipment-failure");
    expect(cluster.length).toBeGreaterThan(0);
    expect(scenarios.find((scenario) => scenario.name === "kubernetes/pod-kill-pipeline")?.cause).toBe("equipment-failure");
  });

  it("skips other files and leaves the cause undefined when a scenario declares none", async () => {
    const dir = await mkdtemp(join(tmpdir(), "scenarios-"));
    try {
      await writeFile(join(dir, "b-with-cause.test.ts"), 'experiment({ id: "b", cause: "overload" });\n');
      await writeFile(join(dir, "a-without.test.ts"), "experiment({});\n");
      await writeFile(join(dir, "helper.ts"), 'const cause: "software-failure" = x;\n');
      await mkdir(join(dir, "kubernetes"));
      await writeFile(join(dir, "kubernetes", "c-on-a-cluster.test.ts"), 'experiment({ id: "c", cause: "equipment-failure" });\n');
      await writeFile(join(dir, "kubernetes", "cluster-helper.ts"), "export {};\n");
      expect(await listScenarios(dir)).toEqual([
        { path: join(dir, "a-without.test.ts"), name: "a-without", cause: undefined },
        { path: join(dir, "b-with-cause.test.ts"), name: "b-with-cause", cause: "overload" },
        { path: join(dir, "kubernetes", "c-on-a-cluster.test.ts"), name: "kubernetes/c-on-a-cluster", cause: "equipment-failure" },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("runScenariosCommand", () => {
  it("exits 2 on an unknown --cause, naming the valid ones", async () => {
    const { code, stdout, stderr } = await run(["--cause", "nope"]);
    expect(code).toBe(2);
    expect(stderr).toBe('chaos-control run: --cause must be one of overload, equipment-failure, software-failure, got "nope"\n');
    expect(stdout).toBe("");
  });

  it("exits 2 on an unknown --env and on an unknown option", async () => {
    expect((await run(["--env", "mars"])).code).toBe(2);
    const unknown = await run(["--frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Usage: chaos-control run");
  });

  it("exits 2 when no scenario matches", async () => {
    const { code, stderr } = await run(["no-scenario-is-called-this"]);
    expect(code).toBe(2);
    expect(stderr).toContain("no scenario matches");
  });

  it("--list prints every scenario of the embedded environment with its cause and exits 0 without running any", async () => {
    const scenarios = (await listScenarios()).filter((scenario) => !scenario.name.startsWith("kubernetes/"));
    const { code, stdout } = await run(["--list", "--env", "embedded"]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(scenarios.length);
    for (const [i, scenario] of scenarios.entries()) expect(lines[i]).toMatch(new RegExp(`^${scenario.name} +${scenario.cause}$`));
  });

  it("--list --env kubernetes adds the cluster scenarios", async () => {
    const { code, stdout } = await run(["--list", "--env", "kubernetes"]);
    expect(code).toBe(0);
    const names = stdout
      .trimEnd()
      .split("\n")
      .map((line) => line.split(/ +/)[0]!);
    expect(names).toHaveLength((await listScenarios()).length);
    expect(names).toContain("kubernetes/pod-kill-pipeline");
    expect(names).toContain("postgres-frozen");
  });

  it("--list honours the filters", async () => {
    const { code, stdout } = await run(["--list", "--cause", "overload", "--cause", "software-failure", "s3"]);
    expect(code).toBe(0);
    const listed = stdout
      .trimEnd()
      .split("\n")
      .map((line) => line.split(/ +/));
    expect(listed.length).toBeGreaterThan(0);
    for (const [name, cause] of listed) {
      expect(name).toContain("s3");
      expect(["overload", "software-failure"]).toContain(cause);
    }
    expect(listed.map(([name]) => name)).toContain("s3-throttling");
  });

  it("--list kubernetes/ lists the cluster scenarios and nothing else", async () => {
    const { code, stdout } = await run(["--list", "kubernetes/"]);
    expect(code).toBe(0);
    const names = stdout
      .trimEnd()
      .split("\n")
      .map((line) => line.split(/ +/)[0]!);
    expect(names).toContain("kubernetes/pod-kill-pipeline");
    expect(names.every((name) => name.startsWith("kubernetes/"))).toBe(true);
  });

  it("--help prints the usage and exits 0", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: chaos-control run/);
  });
});

describe("chaos-control run, as a process", () => {
  it("exits non-zero (5, nothing ran) with a JSON summary on stdout when every selected scenario was skipped", async () => {
    const reports = await mkdtemp(join(tmpdir(), "chaos-run-json-"));
    try {
      const { execFile } = await import("node:child_process");
      const bin = fileURLToPath(new URL("../../bin/chaos-control.mjs", import.meta.url));
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          [bin, "run", "--json", "kubernetes/pod-kill-pipeline"],
          { env: { ...process.env, CHAOS_ENV: "embedded", CHAOS_REPORTS_DIR: reports } },
          (_, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
        );
      });
      expect(result.code, result.stderr).toBe(5);
      const summary = JSON.parse(result.stdout) as {
        verdict: string;
        exitCode: number;
        counts: Record<string, number>;
        scenarios: { scenario: string; state: string; reason?: string }[];
      };
      expect(summary).toMatchObject({ verdict: "nothing-ran", exitCode: 5, counts: { passed: 0, failed: 0, skipped: 1 } });
      expect(summary.scenarios[0]).toMatchObject({ scenario: "kubernetes/pod-kill-pipeline", state: "skipped" });
      expect(summary.scenarios[0]!.reason).toContain("CHAOS_ENV=kubernetes");
      expect(result.stderr).toContain("nothing-ran (exit 5)");
    } finally {
      await rm(reports, { recursive: true, force: true });
    }
  });
});
