/**
 * An exploration as its journal (`explore.json`): the result, its totals,
 * and per cell the command that replays it. The resilience report reads the
 * journal through core's `ExplorationJournal`, so this file is where the two
 * must agree (the compiler checks it).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExplorationJournal } from "../core/index.ts";
import { EXPLORATION_FILE } from "../report/index.ts";
import { cellReplayCommand } from "./replay-command.ts";
import type { ExplorationResult } from "./exploration.ts";
import { explorationTotals, type ExplorationTotals } from "./exploration-matrix.ts";
import { FAULT_KINDS } from "./fault-point.ts";

/** The journal as written: core's contract, plus what only explore reads (golden run, recording, totals). */
export type WrittenExplorationJournal = ExplorationJournal & ExplorationResult & { readonly totals: ExplorationTotals };

export function explorationJournal(result: ExplorationResult): WrittenExplorationJournal {
  return {
    ...result,
    kinds: FAULT_KINDS,
    totals: explorationTotals(result),
    cells: result.cells.map((cell) => ({ ...cell, replay: cellReplayCommand(cell) })),
  };
}

/** Writes `explore.json` into `directory`; returns its path. */
export async function writeExplorationJournal(result: ExplorationResult, directory: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, EXPLORATION_FILE);
  await writeFile(path, `${JSON.stringify(explorationJournal(result), null, 2)}\n`);
  return path;
}
