import type { PipelineProgress } from "../core/index.ts";

interface ProgressPoint extends PipelineProgress {
  at: number;
}

const ZERO: PipelineProgress = { objectsDone: 0, pairsWritten: 0, retries: 0, quarantined: 0 };

/**
 * The pipeline's counters over time, summed across its processes by the
 * supervisor (a killed and restarted process starts counting from zero
 * again, shards count at once), so rates over a sliding window stay
 * meaningful through restarts.
 */
export class ProgressTracker {
  private readonly points: ProgressPoint[] = [];
  private allDone = false;
  private firstProgressAt: number | undefined;
  private doneAtFirstProgress = 0;
  private completeAt: number | undefined;

  constructor(readonly inputObjects: number) {}

  /** Records the counters of every process of the run, summed, at monotonic time `at`. */
  record(at: number, progress: PipelineProgress): void {
    this.points.push({ at, ...progress, objectsDone: this.allDone ? Math.max(progress.objectsDone, this.inputObjects) : progress.objectsDone });
    if (this.firstProgressAt === undefined && this.latest.objectsDone > 0) {
      this.firstProgressAt = at;
      this.doneAtFirstProgress = this.latest.objectsDone;
    }
    if (this.completeAt === undefined && this.extractionComplete) this.completeAt = at;
  }

  /**
   * Records at `at` that every input object has its outcome committed: the processes that committed them all exited 0
   * (a sharded stage), some before a scrape saw their last commits.
   */
  recordAllDone(at: number): void {
    this.allDone = true;
    this.record(at, this.latest);
  }

  /** Records that the process could not be scraped at `at`: nothing moved. */
  recordUnreachable(at: number): void {
    this.points.push({ ...this.latest, at });
  }

  get latest(): PipelineProgress {
    return this.points.at(-1) ?? ZERO;
  }

  /** When the first object was committed, i.e. the pipeline warmed up. */
  get warmedUpAt(): number | undefined {
    return this.firstProgressAt;
  }

  /** Whether the first process committed its first object less than `windowMs` ago (rates over that window still include its start-up). */
  warmingUp(windowMs: number): boolean {
    const latest = this.points.at(-1);
    return this.firstProgressAt === undefined || latest === undefined || latest.at - this.firstProgressAt < windowMs;
  }

  /** Objects already committed when progress was first seen (they were done before {@link warmedUpAt}). */
  get objectsDoneAtWarmUp(): number {
    return this.doneAtFirstProgress;
  }

  /** When every input object had an outcome committed. */
  get completedAt(): number | undefined {
    return this.completeAt;
  }

  /** Every input object has an outcome committed: the extraction stage is done. */
  get extractionComplete(): boolean {
    return this.latest.objectsDone >= this.inputObjects;
  }

  /** Per-second rate of `counter` over the last `windowMs` (0 with too few points). */
  rate(counter: keyof PipelineProgress, windowMs: number): number {
    const last = this.points.at(-1);
    if (!last) return 0;
    let first = last;
    for (let i = this.points.length - 1; i >= 0 && last.at - this.points[i]!.at <= windowMs; i--) first = this.points[i]!;
    const span = last.at - first.at;
    return span > 0 ? ((last[counter] - first[counter]) * 1000) / span : 0;
  }
}
