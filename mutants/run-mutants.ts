/**
 * `npm run mutants`: seeds each resilience bug of the catalogue into a scratch
 * copy of the repository, one at a time, and runs the chaos suite against it
 * (the scenarios and, where the command exists, `chaos-control explore`).
 * Prints which test caught each bug, writes reports/mutants.json, and exits 1
 * if any bug survived. Bench-style: not part of `npm test`.
 *
 *   node --import tsx mutants/run-mutants.ts [--only id,...] [--detectors scenarios,explore] [--targeted] [--scenario FILE] [--explore-filter TEXT]
 *                                            [--list] [--typecheck] [--no-plain-run]
 */
import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CATALOGUE } from "./catalogue.ts";
import { DETECTORS, runDetector, type DetectorName } from "./detectors.ts";
import { applyEdit, caughtAsExpected, detectorTarget, type Mutant } from "./mutant.ts";
import { typecheckMutants } from "./mutant-typecheck.ts";
import { mergeResults, type MutantResult, type MutantsReport } from "./mutant-result.ts";
import { formatTable } from "./result-table.ts";
import { plainRun } from "./plain-run.ts";
import { ScratchCopy } from "./scratch-copy.ts";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const USAGE = `Usage: npm run mutants -- [options]

  --only ID,...           run these mutants only (default: the whole catalogue)
  --detectors LIST        scenarios,explore (default both; explore only where the command exists)
  --targeted              run each mutant against the one test the catalogue expects to catch it (caughtBy):
                          that scenario file alone, or that explore cell alone
  --scenario FILE         run only this scenario file (repeatable) as the scenarios detector
  --explore-filter TEXT   run only the explore cells whose name contains TEXT (repeatable) as the explore detector
  --list                  print the catalogue and exit
  --typecheck             type-check every selected mutant in memory and exit
  --no-plain-run          skip the fault-free run that proves a mutant leaves the output unchanged
  -h, --help              this text

Exit code: 0 every mutant caught, 1 some survived (or broke the fault-free run, or a detector failed), 2 bad usage or a stale catalogue.
`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: "string" },
      detectors: { type: "string" },
      list: { type: "boolean" },
      typecheck: { type: "boolean" },
      "no-plain-run": { type: "boolean" },
      targeted: { type: "boolean" },
      scenario: { type: "string", multiple: true },
      "explore-filter": { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const mutants = select(values.only);
  const detectors = parseDetectors(values.detectors);
  const narrowed = narrowedRuns(values.scenario ?? [], values["explore-filter"] ?? []);
  if (narrowed.length > 0 && (values.targeted || values.detectors !== undefined))
    throw new UsageError("--scenario and --explore-filter choose the detectors themselves: not with --targeted or --detectors");
  const runsFor = (mutant: Mutant): DetectorPlan[] =>
    narrowed.length > 0 ? narrowed : values.targeted ? [targetedRun(mutant)] : detectors.map((detector) => ({ detector }));
  if (values.list) {
    for (const mutant of mutants)
      process.stdout.write(
        `${mutant.id.padEnd(36)} ${mutant.kind.padEnd(28)} ${mutant.edit.file}\n    ${mutant.description}\n    caught by ${mutant.caughtBy}\n`,
      );
    return 0;
  }
  // Fail loudly, before any run, if the catalogue no longer matches the source.
  for (const mutant of mutants) applyEdit(mutant, await readFile(join(REPO_ROOT, mutant.edit.file), "utf8"));
  if (values.typecheck) {
    let broken = 0;
    for (const [id, messages] of typecheckMutants(REPO_ROOT, mutants)) {
      process.stdout.write(`${messages.length === 0 ? "ok     " : "BROKEN "} ${id}\n${messages.map((message) => `    ${message}\n`).join("")}`);
      if (messages.length > 0) broken++;
    }
    return broken === 0 ? 0 : 1;
  }

  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted"));
  // Every Ctrl-C only aborts: the scratch copy and the detector's processes are still being cleaned up.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    let pristineCounts: string | undefined;
    if (!values["no-plain-run"]) {
      await using pristine = await ScratchCopy.create(REPO_ROOT);
      const plain = await plainRun(pristine.root, controller.signal);
      if (controller.signal.aborted) return 130;
      if (!plain.ok) throw new Error(`the unmodified pipeline's plain run failed: ${plain.message}`);
      pristineCounts = plain.counts;
      process.stdout.write(`plain run of the unmodified pipeline: ${Math.round(plain.durationMs / 1000)} s\n`);
    }
    const results: MutantResult[] = [];
    for (const mutant of mutants) {
      if (controller.signal.aborted) break;
      process.stdout.write(`\n== ${mutant.id} (${mutant.kind})\n`);
      const result = await runMutant(mutant, runsFor(mutant), pristineCounts, controller.signal);
      // An interrupted mutant has no verdict: keep its earlier result in the report.
      if (controller.signal.aborted) break;
      results.push(result);
      process.stdout.write(
        `   ${result.status}${result.caughtBy.length ? ` by ${result.caughtBy.join(", ")}` : ""} in ${Math.round(result.durationMs / 1000)} s\n` +
          `   expected: ${mutant.caughtBy}; ${result.asExpected ? "as expected" : "NOT as expected"}\n`,
      );
      await writeReport(results, [...new Set(runsFor(mutant).map((plan) => plan.detector))]);
    }
    process.stdout.write(`\n${formatTable(results)}\n`);
    if (controller.signal.aborted) return 130;
    return results.every((result) => result.status === "caught") ? 0 : 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** One detector run of a mutant, narrowed to scenario files or explore cells where given. */
interface DetectorPlan {
  detector: DetectorName;
  files?: readonly string[];
  cells?: readonly string[];
}

function narrowedRuns(files: readonly string[], cells: readonly string[]): DetectorPlan[] {
  return [...(files.length > 0 ? [{ detector: "scenarios" as const, files }] : []), ...(cells.length > 0 ? [{ detector: "explore" as const, cells }] : [])];
}

function targetedRun(mutant: Mutant): DetectorPlan {
  const target = detectorTarget(mutant.caughtBy);
  return target.detector === "scenarios" ? { detector: "scenarios", files: [target.file] } : { detector: "explore", cells: [target.cell] };
}

async function runMutant(mutant: Mutant, plans: readonly DetectorPlan[], pristineCounts: string | undefined, signal: AbortSignal): Promise<MutantResult> {
  const started = performance.now();
  const base = {
    id: mutant.id,
    kind: mutant.kind,
    description: mutant.description,
    file: mutant.edit.file,
    expected: mutant.caughtBy,
    asExpected: false,
    finishedAt: "",
  };
  await using copy = await ScratchCopy.create(REPO_ROOT, mutant);
  const done = (result: Omit<MutantResult, keyof typeof base | "durationMs" | "finishedAt">): MutantResult => ({
    ...base,
    ...result,
    asExpected: result.status === "caught" && caughtAsExpected(mutant, result.caughtBy),
    durationMs: performance.now() - started,
    finishedAt: new Date().toISOString(),
  });
  let plainRunSame: boolean | undefined;
  if (pristineCounts !== undefined) {
    let plain = await plainRun(copy.root, signal);
    // A run that failed outright (a server that did not start in time on a loaded machine) gets a second chance; different counts do not.
    if (!plain.ok && !signal.aborted) plain = await plainRun(copy.root, signal);
    plainRunSame = plain.ok && plain.counts === pristineCounts;
    if (!plainRunSame) {
      const message = plain.ok ? `fault-free counts differ: ${plain.counts}` : plain.message;
      await saveEvidence(copy.root, mutant.id);
      return done({ status: "invalid", caughtBy: [], detections: [], plainRunSame, ...(message ? { message } : {}) });
    }
  }
  const detections = [];
  for (const { detector, files = [], cells = [] } of plans) {
    let detection = await runDetector(detector, copy.root, { signal, files, cells });
    if (detection.verdict === "inconclusive" && !signal.aborted) {
      // The machine was too loaded for an experiment to start: run the suite once more before concluding anything.
      process.stdout.write(`   ${detector}: inconclusive (${detection.message}); running it again\n`);
      detections.push({ ...detection, logPath: undefined });
      detection = await runDetector(detector, copy.root, { signal, attempt: 2, files, cells });
    }
    const file = detection.failedTests[0]?.split(" > ")[0];
    const ranAlone = files.length === 1 && files[0] === file;
    if (detector === "scenarios" && detection.verdict === "caught" && file && !ranAlone && !signal.aborted) {
      // A scenario that fails under load now and then would pass for a catch: it must fail again on its own.
      process.stdout.write(`   ${detector}: ${file} failed (${detection.message}); confirming it alone\n`);
      detections.push({ ...detection, logPath: undefined });
      const alone = await runDetector(detector, copy.root, { signal, attempt: 3, files: [file] });
      detection =
        alone.verdict === "caught"
          ? { ...alone, message: `${alone.message ?? ""} (failed in the suite and again alone)` }
          : { ...alone, verdict: "unconfirmed", message: `${file} failed in the suite (${detection.message}) but was ${alone.verdict} alone` };
    }
    detections.push({ ...detection, logPath: undefined });
    process.stdout.write(`   ${detector}: ${detection.verdict}${detection.failedTests[0] ? ` (${detection.failedTests[0]})` : ""}\n`);
    if (detection.verdict === "error") process.stdout.write(await tail(detection.logPath));
    if (detection.verdict === "caught") break;
  }
  const caught = detections.filter((detection) => detection.verdict === "caught");
  const last = detections.at(-1)?.verdict;
  const status =
    caught.length > 0 && last === "caught"
      ? "caught"
      : last === "inconclusive" || last === "unconfirmed"
        ? last
        : detections.some((d) => d.verdict === "error")
          ? "error"
          : "survived";
  await saveEvidence(copy.root, mutant.id);
  return done({
    status,
    caughtBy: status === "caught" ? (caught.at(-1)?.failedTests ?? []).map((test) => `${caught.at(-1)!.detector}: ${test}`) : [],
    detections,
    ...(plainRunSame === undefined ? {} : { plainRunSame }),
    ...(detections.at(-1)?.message ? { message: detections.at(-1)!.message } : {}),
  });
}

/** Keeps the detectors' logs and journals in reports/mutants/<id>/, as the scratch copy is about to go. */
async function saveEvidence(root: string, id: string): Promise<void> {
  const target = join(resolve(REPO_ROOT, process.env.CHAOS_REPORTS_DIR ?? "reports"), "mutants", id);
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  for (const name of await readdir(root)) {
    if (name.endsWith(".log")) await cp(join(root, name), join(target, name));
    if (name.startsWith("reports-")) await cp(join(root, name, "journals"), join(target, name), { recursive: true }).catch(() => undefined);
  }
}

async function writeReport(results: readonly MutantResult[], detectors: readonly DetectorName[]): Promise<void> {
  const dir = resolve(REPO_ROOT, process.env.CHAOS_REPORTS_DIR ?? "reports");
  const path = join(dir, "mutants.json");
  await mkdir(dir, { recursive: true });
  const earlier = await readFile(path, "utf8")
    .then((text) => JSON.parse(text) as MutantsReport)
    .catch(() => undefined);
  const report = mergeResults(earlier, results, detectors, CATALOGUE.length);
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}

async function tail(path: string, lines = 25): Promise<string> {
  const text = await readFile(path, "utf8").catch(() => "");
  return `${text.split("\n").slice(-lines).join("\n")}\n`;
}

function select(only: string | undefined): Mutant[] {
  if (only === undefined) return [...CATALOGUE];
  const ids = only.split(",").map((id) => id.trim());
  const unknown = ids.filter((id) => !CATALOGUE.some((mutant) => mutant.id === id));
  if (unknown.length > 0) throw new UsageError(`--only: unknown mutant ${unknown.join(", ")} (see --list)`);
  return ids.map((id) => CATALOGUE.find((mutant) => mutant.id === id)!);
}

function parseDetectors(list: string | undefined): DetectorName[] {
  if (list === undefined) return [...DETECTORS];
  const names = list.split(",").map((name) => name.trim());
  for (const name of names)
    if (!DETECTORS.includes(name as DetectorName))
      throw new UsageError(`--detectors: unknown detector ${JSON.stringify(name)} (known: ${DETECTORS.join(", ")})`);
  return names as DetectorName[];
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(`mutants: ${error instanceof Error ? error.message : String(error)}\n${usage ? `\n${USAGE}` : ""}`);
    process.exit(usage || (error instanceof Error && error.name === "EditMismatchError") ? 2 : 1);
  },
);
