import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Journal } from "./journal.ts";

const CHILD = fileURLToPath(new URL("./testing/run-experiment-until-interrupted.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  marker: string;
  journalPath: string;
}

/** Starts the child, waits until its fault is in, sends SIGINT and waits for it to exit. */
async function interruptMidFault(directory: string): Promise<Outcome> {
  const marker = join(directory, "marker.txt");
  const journals = join(directory, "journals");
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, journals, marker], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once("exit", (code, signal) => resolve([code, signal])));
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (line) => line === "injected" && resolve());
      void exited.then(([code]) => reject(new Error(`child exited (${code}) before injecting:\n${stderr}`)));
    });
    child.kill("SIGINT");
    const [code, signal] = await exited;
    return { code, signal, stdout, stderr, marker: existsSync(marker) ? readFileSync(marker, "utf8") : "", journalPath: join(journals, "interrupted-experiment.json") };
  } finally {
    child.kill("SIGKILL");
  }
}

describe.skipIf(process.platform === "win32")("Ctrl-C during an experiment", () => {
  let directory: string;
  let outcome: Outcome;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "experiment-interrupt-"));
    outcome = await interruptMidFault(directory);
  }, 30_000);

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("exits with 130 after removing the fault and stopping the pipeline", () => {
    expect(outcome.code, outcome.stderr).toBe(130);
    expect(outcome.marker.split("\n")).toEqual(expect.arrayContaining(["undone: pause postgres", "pipeline fake 2 ended by stop"]));
  });

  it("writes a journal saying the experiment was interrupted", () => {
    expect(existsSync(outcome.journalPath), `no journal at ${outcome.journalPath}; child stdout:\n${outcome.stdout}`).toBe(true);
    const journal = JSON.parse(readFileSync(outcome.journalPath, "utf8")) as Journal;
    expect(journal.status).toBe("interrupted");
    expect(journal.reason).toBe("interrupted (Ctrl-C / SIGTERM); faults rolled back");
    expect(journal.rollbacks.map((rollback) => `${rollback.name}: ${rollback.ok}`)).toEqual([
      "remove fault: freeze Postgres: true",
      "remove any other fault: true",
      "stop the pipeline: true",
    ]);
  });
});
