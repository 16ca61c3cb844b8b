/** What a tally needs of an exploration cell (a live result or a journal's cell). */
export interface TalliedCell {
  readonly point: string;
  readonly verdict: { readonly green: boolean; readonly kind: string };
}

/** Counts over an exploration's cells: verdicts, and coverage as fault points run and points whose every cell fired. */
export interface ExplorationTally {
  readonly cells: number;
  readonly green: number;
  readonly red: number;
  readonly notReached: number;
  readonly pointsRun: number;
  readonly pointsReached: number;
}

export function explorationTally(cells: readonly TalliedCell[]): ExplorationTally {
  const reachedByPoint = new Map<string, boolean>();
  for (const cell of cells) reachedByPoint.set(cell.point, (reachedByPoint.get(cell.point) ?? true) && cell.verdict.kind !== "not-reached");
  const green = cells.filter((cell) => cell.verdict.green).length;
  return {
    cells: cells.length,
    green,
    red: cells.length - green,
    notReached: cells.filter((cell) => cell.verdict.kind === "not-reached").length,
    pointsRun: reachedByPoint.size,
    pointsReached: [...reachedByPoint.values()].filter(Boolean).length,
  };
}
