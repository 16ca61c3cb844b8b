import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { setPriority } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { isAlive } from "./process-tree.ts";
import { setTimeout as delay } from "node:timers/promises";

/**
 * The pipeline's child processes, started from JavaScript compiled once per
 * version of the sources instead of through the TypeScript loader.
 *
 * In a checkout, `bin/chaos-control.mjs` loads the sources through tsx: about
 * 0.6 s more CPU per process than the same code compiled (1.1 s against 0.55 s
 * here, measured on `import("src/cli/pipeline-command")`). A test run starts
 * the pipeline some hundred and fifty times. So the test run's global setup
 * compiles the sources once (TypeScript's own emit, without the type check:
 * the same JavaScript the package ships) into `node_modules/.cache/`, keyed by
 * a hash of every source file, and names the compiled CLI in
 * `CHAOS_PIPELINE_CLI`. Until the compile has finished, and wherever the
 * variable is unset, the pipeline starts through tsx as before: the same code
 * either way.
 */
export const PIPELINE_CLI_VARIABLE = "CHAOS_PIPELINE_CLI";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SOURCE_CLI = join(ROOT, "bin/chaos-control.mjs");
const CACHE = join(ROOT, "node_modules/.cache/chaos-control");
/** Written last: a compiled tree without it is unfinished. */
const COMPLETE_MARKER = ".complete";
/** What the build compiles (tsconfig.build.json's include and exclude), plus what changes how. */
const SOURCE_ROOTS = ["src", "fixtures/corrupt", "fixtures/synthetic"];
const SOURCE_FILES = ["tsconfig.json", "tsconfig.build.json", "bin/chaos-control.mjs"];
/** Older compiled trees are removed once they have not been written for this long (a run still using one is long done). */
const STALE_AFTER_MS = 60 * 60_000;
/** Below the tests' priority, like the static checks: compiling never slows a scenario down. */
const COMPILE_NICENESS = 10;

/** The CLI a pipeline child process should run: the compiled one when it is ready, else the sources' through tsx. */
export function pipelineCli(): string {
  const compiled = process.env[PIPELINE_CLI_VARIABLE];
  if (compiled && existsSync(join(compiled, "..", "..", COMPLETE_MARKER))) return compiled;
  return SOURCE_CLI;
}

/** A compile under way: where its CLI will be, and when it is there. */
export interface CliCompile {
  /** The compiled CLI's path, known before the compile ends (name it in PIPELINE_CLI_VARIABLE at once). */
  readonly cli: string;
  /** Resolves once the CLI is usable; rejects, naming the cause, when the compile failed. */
  readonly done: Promise<void>;
}

/**
 * Names the compiled CLI in PIPELINE_CLI_VARIABLE for this process and every child it starts from now on, and starts
 * compiling it; until the compile ends, pipeline children start through tsx. Resolves to the compile's end, which the
 * caller awaits before it exits (else the compile may be cut off and done again by the next run). A failed compile is
 * reported on stderr, not fatal. Does nothing when the variable is already set.
 */
export async function useCompiledPipelineCli(): Promise<{ done: Promise<void> }> {
  if (process.env[PIPELINE_CLI_VARIABLE]?.trim()) return { done: Promise.resolve() };
  try {
    const { cli, done } = await startCliCompile();
    process.env[PIPELINE_CLI_VARIABLE] = cli;
    return { done: done.catch(warnCompileFailed) };
  } catch (error) {
    warnCompileFailed(error);
    return { done: Promise.resolve() };
  }
}

function warnCompileFailed(error: unknown): void {
  process.stderr.write(`note: the pipeline's child processes run through tsx: ${error instanceof Error ? error.message : String(error)}\n`);
}

/** Starts compiling the sources into the cache unless this version already is there (or this is compiled code already). */
export async function startCliCompile(): Promise<CliCompile> {
  // Running from compiled JavaScript (the installed package, dist/): the CLI beside it is compiled already.
  if (!existsSync(join(ROOT, "src/cli/main.ts"))) return { cli: SOURCE_CLI, done: Promise.resolve() };
  const version = await sourcesHash();
  const target = join(CACHE, `cli-${version}`);
  const cli = join(target, "bin/chaos-control.mjs");
  const done = existsSync(join(target, COMPLETE_MARKER)) ? Promise.resolve() : compileInto(target, version);
  return { cli, done };
}

async function compileInto(target: string, version: string): Promise<void> {
  await mkdir(CACHE, { recursive: true });
  await removeStale(target);
  // One compile per version at a time, across processes: whoever holds the lock compiles, the others wait for it.
  const lock = `${target}.lock`;
  if (!(await takeLock(lock))) return waitForCompile(target, lock);
  const scratch = `${target}.${process.pid}.tmp`;
  try {
    await rm(scratch, { recursive: true, force: true });
    await emit(scratch);
    await mkdir(join(scratch, "bin"), { recursive: true });
    await copyFile(SOURCE_CLI, join(scratch, "bin/chaos-control.mjs"));
    // Under node_modules/ the repository's package.json is out of reach: say again that .js files are ES modules.
    await writeFile(join(scratch, "package.json"), `${JSON.stringify({ type: "module", private: true })}\n`);
    await writeFile(join(scratch, COMPLETE_MARKER), `${version}\n`);
    if (!existsSync(join(target, COMPLETE_MARKER))) await rename(scratch, target);
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await rm(lock, { force: true });
  }
}

/** Creates the lock file holding our PID; takes over a lock whose holder is gone (killed mid-compile). */
async function takeLock(lock: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: "wx" });
      return true;
    } catch {
      if (holderAlive(lock)) return false;
      await rm(lock, { force: true });
    }
  }
  return false;
}

function holderAlive(lock: string): boolean {
  try {
    return isAlive(Number(readFileSync(lock, "utf8")));
  } catch {
    return false; // the lock is gone: nobody holds it
  }
}

async function waitForCompile(target: string, lock: string): Promise<void> {
  while (!existsSync(join(target, COMPLETE_MARKER))) {
    if (!existsSync(lock) || !holderAlive(lock)) {
      if (existsSync(join(target, COMPLETE_MARKER))) return;
      throw new Error(`another process's compile of ${target} ended without finishing it`);
    }
    await delay(200);
  }
}

async function emit(outDir: string): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const args = [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--noCheck", "--declaration", "false", "--outDir", outDir];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  try {
    setPriority(child.pid!, COMPILE_NICENESS);
  } catch {
    // Not allowed here: it compiles at the tests' priority.
  }
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) throw new Error(`compiling the CLI failed (tsc exit ${code}):\n${output.slice(-2000)}`);
}

async function sourcesHash(): Promise<string> {
  const hash = createHash("sha256");
  const files = [...SOURCE_FILES.map((file) => join(ROOT, file))];
  for (const root of SOURCE_ROOTS) files.push(...(await listFiles(join(ROOT, root))));
  files.sort();
  for (const file of files) {
    if (!existsSync(file)) continue;
    hash
      .update(relative(ROOT, file))
      .update("\0")
      .update(await readFile(file))
      .update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith(".test.ts"))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.split("/").includes("testing"));
}

async function removeStale(keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(CACHE).catch(() => [])) {
    const path = join(CACHE, name);
    if (path === keep || !name.startsWith("cli-") || name.endsWith(".lock")) continue;
    const modified = await stat(path).then(
      (info) => info.mtimeMs,
      () => now,
    );
    if (now - modified > STALE_AFTER_MS) await rm(path, { recursive: true, force: true });
  }
}
