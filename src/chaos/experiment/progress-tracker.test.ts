import { describe, expect, it } from "vitest";
import type { PipelineProgress } from "../core/index.ts";
import { ProgressTracker } from "./progress-tracker.ts";

function progress(objectsDone: number, retries = 0): PipelineProgress {
  return { objectsDone, pairsWritten: objectsDone * 2, retries, quarantined: 0 };
}

describe("ProgressTracker", () => {
  it("has no rate and nothing done before the first scrape", () => {
    const tracker = new ProgressTracker(100);
    expect(tracker.rate("objectsDone", 1_000)).toBe(0);
    expect(tracker.latest).toEqual(progress(0));
    expect(tracker.warmedUpAt).toBeUndefined();
    expect(tracker.extractionComplete).toBe(false);
  });

  it("gives per-second rates over the last window only", () => {
    const tracker = new ProgressTracker(100);
    tracker.record(0, progress(0));
    tracker.record(500, progress(40));
    tracker.record(1_000, progress(45));
    tracker.record(1_500, progress(50, 3));
    expect(tracker.rate("objectsDone", 1_000)).toBe(10);
    expect(tracker.rate("objectsDone", 1_500)).toBeCloseTo(33.33, 2);
    expect(tracker.rate("pairsWritten", 1_000)).toBe(20);
    expect(tracker.rate("retries", 500)).toBe(6);
  });

  it("gives rate 0 with a single point in the window", () => {
    const tracker = new ProgressTracker(100);
    tracker.record(0, progress(0));
    tracker.record(5_000, progress(50));
    expect(tracker.rate("objectsDone", 1_000)).toBe(0);
  });

  it("counts unreachable scrapes as no progress, so the rate falls to 0", () => {
    const tracker = new ProgressTracker(100);
    tracker.record(0, progress(0));
    tracker.record(1_000, progress(20));
    tracker.recordUnreachable(2_000);
    tracker.recordUnreachable(2_500);
    expect(tracker.latest.objectsDone).toBe(20);
    expect(tracker.rate("objectsDone", 1_000)).toBe(0);
    expect(tracker.rate("objectsDone", 2_500)).toBe(8);
  });

  it("is warming up until the first commit is a window old", () => {
    const tracker = new ProgressTracker(100);
    expect(tracker.warmingUp(1_000)).toBe(true);
    tracker.record(0, progress(0));
    tracker.record(500, progress(0));
    expect(tracker.warmingUp(1_000)).toBe(true);
    tracker.record(1_000, progress(5));
    expect(tracker.warmedUpAt).toBe(1_000);
    tracker.record(1_900, progress(20));
    expect(tracker.warmingUp(1_000)).toBe(true);
    tracker.record(2_000, progress(25));
    expect(tracker.warmingUp(1_000)).toBe(false);
  });

  it("records when every input object was done, once", () => {
    const tracker = new ProgressTracker(10);
    tracker.record(0, progress(4));
    expect(tracker.completedAt).toBeUndefined();
    tracker.record(100, progress(10));
    tracker.record(200, progress(10));
    expect(tracker.extractionComplete).toBe(true);
    expect(tracker.completedAt).toBe(100);
  });
});
