import type { Detection, DetectorName } from "./detectors.ts";
import type { MutantKind } from "./mutant.ts";

/** What the chaos suite made of one seeded bug. */
export interface MutantResult {
  id: string;
  kind: MutantKind;
  description: string;
  file: string;
  /** The catalogue's expected detector (its caughtBy). */
  expected: string;
  /** Caught, and by the expected detector's test. */
  asExpected: boolean;
  /**
   * caught: a scenario or exploration test failed; survived: all passed; invalid: the fault-free run changed (not a
   * resilience bug); inconclusive: the only failures came from experiments that never injected their fault (twice);
   * unconfirmed: the scenario that failed passed when run again alone; error: a detector failed without a failing test.
   */
  status: "caught" | "survived" | "invalid" | "inconclusive" | "unconfirmed" | "error";
  /** "detector: file > test" of each failing test. */
  caughtBy: string[];
  detections: (Omit<Detection, "logPath"> & { logPath?: undefined })[];
  /** Whether the fault-free run of the bundled corpus gave the unmodified pipeline's counts; absent when skipped. */
  plainRunSame?: boolean;
  message?: string;
  durationMs: number;
  finishedAt: string;
}

/** reports/mutants.json: the latest result of every mutant run so far, so a catalogue can be run in parts. */
export interface MutantsReport {
  updatedAt: string;
  catalogueSize: number;
  detectors: DetectorName[];
  caught: number;
  survived: number;
  results: MutantResult[];
}

/** `earlier` with `latest` replacing the results of the same ids; counts recomputed. */
export function mergeResults(
  earlier: MutantsReport | undefined,
  latest: readonly MutantResult[],
  detectors: readonly DetectorName[],
  catalogueSize: number,
): MutantsReport {
  const byId = new Map((earlier?.results ?? []).map((result) => [result.id, result]));
  for (const result of latest) byId.set(result.id, result);
  const results = [...byId.values()];
  return {
    updatedAt: new Date().toISOString(),
    catalogueSize,
    detectors: [...detectors],
    caught: results.filter((result) => result.status === "caught").length,
    survived: results.filter((result) => result.status === "survived").length,
    results,
  };
}
