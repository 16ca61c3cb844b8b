import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Journal } from "../core/index.ts";
import { PostgresServer, S3Server, S3RVER_CREDENTIALS } from "../embedded/index.ts";
import { UserStack } from "./testing/index.ts";

// Real scenarios, unchanged, run by `chaos-control run --env external` against a stack this test starts apart from the
// environment code (its own Postgres, s3rver and Toxiproxy, holding data of "the user's"); each scenario
// asserts its fault happened, recovery within budget and the golden output, and this test reads its journal.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = join(ROOT, "bin/chaos-control.mjs");
const SCENARIO_TIMEOUT_MS = 600_000;

let stack: UserStack;
let reports: string;

beforeAll(async () => {
  // Started with the raw building blocks, not the environment's code.
  stack = await UserStack.start(
    Promise.all([PostgresServer.start(), S3Server.start()]).then(([postgres, s3]) => ({ postgres, s3, s3Credentials: S3RVER_CREDENTIALS })),
  );
  reports = await mkdtemp(join(tmpdir(), "chaos-external-reports-"));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  if (reports) await rm(reports, { recursive: true, force: true });
});

/** What `chaos-control run --json` prints on stdout. */
interface RunSummary {
  verdict: string;
  exitCode: number;
  counts: { passed: number; failed: number; skipped: number };
  scenarios: { scenario: string; state: string; reason?: string }[];
}

interface ScenarioRun {
  code: number | null;
  /** Vitest's progress and the command's messages (stderr). */
  output: string;
  summary: RunSummary;
  /** The scenario's journal; undefined when none was written. */
  journal: Journal | undefined;
}

/**
 * Runs one scenario as the README says a user would, `chaos-control run --env external --json <name>`, with the
 * stack's URLs and credentials in its environment only.
 */
async function runScenario(name: string, variables: Record<string, string>): Promise<ScenarioRun> {
  const dir = join(reports, name);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([variable]) => !variable.startsWith("VITEST") && !variable.startsWith("CHAOS_")));
  const child = spawn(process.execPath, [CLI, "run", "--env", "external", "--json", name], {
    cwd: ROOT,
    env: { ...inherited, ...variables, CHAOS_REPORTS_DIR: dir, NO_COLOR: "1", ...golden() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  let summary: RunSummary;
  try {
    summary = JSON.parse(stdout) as RunSummary;
  } catch {
    throw new Error(`chaos-control run printed no JSON summary; exit ${code}:\n${output.slice(-4000)}`);
  }
  const journals = (await readdir(join(dir, "journals")).catch(() => [])).filter((file) => file.endsWith(".json"));
  const journal = journals[0] === undefined ? undefined : (JSON.parse(await readFile(join(dir, "journals", journals[0]), "utf8")) as Journal);
  return { code, output: `${output}\n${stdout}`, summary, journal };
}

/** The golden-output cache of this test run, shared with the scenarios run from it (both scenarios below have the same input). */
function golden(): Record<string, string> {
  const directory = process.env.CHAOS_GOLDEN_CACHE_DIR;
  return directory ? { CHAOS_GOLDEN_CACHE_DIR: directory } : {};
}

function expectPassedOnExternal(run: ScenarioRun, target: string): Journal {
  expect(run.code, run.output.slice(-4000)).toBe(0);
  expect(run.summary, run.output.slice(-4000)).toMatchObject({ verdict: "passed", exitCode: 0, counts: { passed: 1, failed: 0, skipped: 0 } });
  const journal = run.journal!;
  for (const secret of stack.secrets) {
    expect(run.output).not.toContain(secret);
    expect(JSON.stringify(journal)).not.toContain(secret);
  }
  expect(journal.environment).toEqual({ kind: "external", target });
  expect(journal.status).toBe("completed");
  expect(journal.integrity?.ok).toBe(true);
  expect(journal.figures.recoveryMs).not.toBeNull();
  expect(journal.figures.recoveryMs!).toBeLessThanOrEqual(journal.budget.recoveryMs);
  for (const fault of journal.faults) {
    expect(fault.injectedAt, fault.name).not.toBeNull();
    expect(fault.removedAt, fault.name).not.toBeNull();
  }
  return journal;
}

// The two full scenario runs take minutes each (a golden run plus the experiment, each a CLI process): they run with
// `npm run test:external`, not in `npm test`, and say so in their skipped titles.
const RUN_FULL_SCENARIOS = process.env.CHAOS_EXTERNAL_SCENARIOS === "1";
const FULL_RUN_SKIP_REASON = RUN_FULL_SCENARIOS ? "" : " [skipped: set CHAOS_EXTERNAL_SCENARIOS=1 or run `npm run test:external`]";

describe("real scenarios on the external environment", () => {
  it.skipIf(!RUN_FULL_SCENARIOS)(
    "postgres-network-partition through the user's Toxiproxy: its proxy disabled for 10 s, recovered, golden output, proxy back as found" +
      FULL_RUN_SKIP_REASON,
    async () => {
      const before = await stack.state();
      const variables = stack.variables({ toxiproxy: true });
      const journal = expectPassedOnExternal(await runScenario("postgres-network-partition", variables), variables.CHAOS_ALLOW_TARGET!);
      const partition = journal.faults.find((fault) => fault.kind === "network/partition")!;
      expect(partition.target).toBe("proxy pg_main");
      expect(partition.observations.enabled).toBe(false);
      expect(await stack.state()).toEqual(before);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it.skipIf(!RUN_FULL_SCENARIOS)(
    "s3-throttling through the project's own proxies: 503 SlowDown served, recovered, golden output, stack as found" + FULL_RUN_SKIP_REASON,
    async () => {
      const before = await stack.state();
      const variables = stack.variables({ toxiproxy: false });
      const journal = expectPassedOnExternal(await runScenario("s3-throttling", variables), variables.CHAOS_ALLOW_TARGET!);
      const slowDown = journal.faults.find((fault) => fault.kind === "s3/error")!;
      expect(slowDown.observations.requestsFaulted).toBeGreaterThan(20);
      expect(await stack.state()).toEqual(before);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "postgres-frozen, which needs SIGSTOP of the user's Postgres, skips with the reason and leaves the stack as found",
    async () => {
      const before = await stack.state();
      const run = await runScenario("postgres-frozen", stack.variables({ toxiproxy: false }));
      expect(run.code, run.output.slice(-4000)).toBe(5);
      expect(run.summary, run.output.slice(-4000)).toMatchObject({ verdict: "nothing-ran", counts: { passed: 0, failed: 0, skipped: 1 } });
      expect(run.journal?.status).toBe("aborted");
      expect(run.journal?.reason).toMatch(/pause of postgres is not available on the external environment: the suite did not start it/);
      expect(await stack.state()).toEqual(before);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "without CHAOS_ALLOW_TARGET the run is refused (exit 3, the guard's) before touching the stack, naming the value to set",
    async () => {
      const before = await stack.state();
      const { CHAOS_ALLOW_TARGET: target, ...variables } = stack.variables({ toxiproxy: true });
      const run = await runScenario("s3-throttling", variables);
      expect(run.code, run.output.slice(-4000)).toBe(3);
      expect(run.summary, run.output.slice(-4000)).toMatchObject({ verdict: "aborted-by-safety", counts: { passed: 0, failed: 1, skipped: 0 } });
      expect(run.summary.scenarios[0]!.reason).toMatch(/^refused by the blast-radius guard: the external environment does not start on /);
      expect(run.output).toContain(`Opt in explicitly with CHAOS_ALLOW_TARGET="${target}"`);
      expect(run.journal).toBeUndefined();
      expect(await stack.state()).toEqual(before);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
