import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { junitCases, type JUnitCase } from "./junit-results.ts";
import { formatSoakTally, tallySoak, type SoakRun } from "./soak-tally.ts";

export const SOAK_USAGE = `Usage: chaos-control soak N [options] [filter...]   (npm run soak -- N)

Runs the whole suite (unit tests and every scenario) N times in a row and
lists every test that failed in any run, with how often. Each run's JUnit
report and output go to <dir>/run-<i>/; the tally to <dir>/soak.json.

  --env KIND       embedded (default) | containers: with containers, every
                   scenario on the containers environment (run
                   .ci/containers-setup.sh first); unit tests are not repeated
  --dir DIR        where runs are kept (default: reports/soak; emptied first)
  filter...        only test files whose path contains one of these (Vitest's filters)
  -h, --help       this text

Exits 0 when no test failed in any run, 1 otherwise, 2 on bad usage,
130 on Ctrl-C (after the current run has stopped; the tally so far is printed).
`;

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ENVIRONMENTS = ["embedded", "containers"];

/** `chaos-control soak N`. */
export async function runSoakCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { env: { type: "string" }, dir: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    process.stderr.write(`chaos-control soak: ${(error as Error).message}\n\n${SOAK_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(SOAK_USAGE);
    return 0;
  }
  const [count, ...filters] = positionals;
  const runs = Number(count);
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`chaos-control soak: N must be a whole number of runs ≥ 1, got ${JSON.stringify(count)}\n\n${SOAK_USAGE}`);
    return 2;
  }
  const environment = values.env ?? "embedded";
  if (!ENVIRONMENTS.includes(environment)) {
    process.stderr.write(`chaos-control soak: --env must be one of ${ENVIRONMENTS.join(", ")}, got ${JSON.stringify(environment)}\n`);
    return 2;
  }
  const dir = resolve(values.dir ?? join(PROJECT_ROOT, "reports", "soak"));
  await rm(dir, { recursive: true, force: true });

  let interrupted = false;
  let current: ReturnType<typeof spawn> | undefined;
  const onSignal = () => {
    interrupted = true;
    current?.kill("SIGINT");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const done: SoakRun[] = [];
  try {
    for (let index = 1; index <= runs && !interrupted; index++) {
      const runDir = join(dir, `run-${index}`);
      await mkdir(runDir, { recursive: true });
      const started = performance.now();
      const child = spawn(process.execPath, [vitestCli(), "run", ...(environment === "containers" ? ["--project", "scenarios*"] : []), ...filters], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, CHAOS_REPORTS_DIR: runDir, CHAOS_ENV: environment },
        stdio: ["ignore", "pipe", "pipe"],
      });
      current = child;
      const log = createWriteStream(join(runDir, "output.log"));
      child.stdout.pipe(log, { end: false });
      child.stderr.pipe(log, { end: false });
      const exitCode = await new Promise<number | null>((settle) => child.once("close", (code) => settle(code)));
      log.end();
      const cases = await readCases(join(runDir, "junit.xml"));
      const run: SoakRun = { index, exitCode, durationMs: performance.now() - started, cases };
      done.push(run);
      process.stderr.write(`${formatRunLine(run, runs)}\n`);
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const tally = tallySoak(done);
  await writeFile(
    join(dir, "soak.json"),
    `${JSON.stringify({ environment, requestedRuns: runs, interrupted, ...tally, durationsMs: done.map((run) => Math.round(run.durationMs)) }, null, 2)}\n`,
  );
  process.stdout.write(formatSoakTally(tally));
  if (interrupted) return 130;
  return tally.failedRuns.length === 0 ? 0 : 1;
}

function formatRunLine(run: SoakRun, of: number): string {
  const count = (outcome: JUnitCase["outcome"]) => run.cases.filter((testCase) => testCase.outcome === outcome).length;
  const minutes = (run.durationMs / 60_000).toFixed(1);
  return `run ${run.index}/${of}: ${count("passed")} passed, ${count("failed")} failed, ${count("skipped")} skipped, exit ${run.exitCode ?? "signal"}, ${minutes} min`;
}

async function readCases(path: string): Promise<JUnitCase[]> {
  try {
    return junitCases(await readFile(path, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

function vitestCli(): string {
  return join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
}
