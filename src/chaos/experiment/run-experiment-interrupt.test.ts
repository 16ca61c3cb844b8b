import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InterruptibleChild } from "../testing/index.ts";
import type { Journal } from "../core/index.ts";

const CHILD = fileURLToPath(new URL("./testing/run-experiment-until-interrupted.ts", import.meta.url));

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
  await using child = new InterruptibleChild(CHILD, [journals, marker]);
  await child.untilLine((line) => line === "injected");
  child.interrupt();
  const { code, signal } = await child.exited;
  return {
    code,
    signal,
    stdout: child.stdout,
    stderr: child.stderr,
    marker: existsSync(marker) ? readFileSync(marker, "utf8") : "",
    journalPath: join(journals, "interrupted-experiment.json"),
  };
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
