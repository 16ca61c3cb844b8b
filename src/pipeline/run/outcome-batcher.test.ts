import { describe, expect, it } from "vitest";
import type { FileOutcome } from "../store/file-outcome.ts";
import { OutcomeBatcher } from "./outcome-batcher.ts";

const outcome = (i: number): FileOutcome => ({ kind: "written", key: `k${i}`, etag: "e", size: 1, instruments: [] });

/** A write the test finishes by hand, to see what the batcher does meanwhile. */
function manualWrites() {
  const started: { keys: string[]; finish: (error?: Error) => void }[] = [];
  const write = (batch: FileOutcome[]) =>
    new Promise<void>((resolve, reject) => started.push({ keys: batch.map((o) => o.key), finish: (error) => (error ? reject(error) : resolve()) }));
  return { started, write };
}

describe("OutcomeBatcher", () => {
  it("writes full batches two at a time, and a worker that fills a third waits for one to finish", async () => {
    const { started, write } = manualWrites();
    const batcher = new OutcomeBatcher(2, write);
    for (let i = 0; i < 4; i++) await batcher.add(outcome(i));
    expect(started.map((w) => w.keys)).toEqual([
      ["k0", "k1"],
      ["k2", "k3"],
    ]);

    await batcher.add(outcome(4));
    let thirdAccepted = false;
    const third = batcher.add(outcome(5)).then(() => (thirdAccepted = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(thirdAccepted).toBe(false);
    expect(started).toHaveLength(2);

    started[1]!.finish();
    await third;
    expect(started.map((w) => w.keys)[2]).toEqual(["k4", "k5"]);
    started[0]!.finish();
    started[2]!.finish();
    await batcher.flush();
  });

  it("flush writes the rest and waits for every write", async () => {
    const { started, write } = manualWrites();
    const batcher = new OutcomeBatcher(10, write);
    await batcher.add(outcome(0));
    let flushed = false;
    const flush = batcher.flush().then(() => (flushed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started.map((w) => w.keys)).toEqual([["k0"]]);
    expect(flushed).toBe(false);
    started[0]!.finish();
    await flush;
  });

  it("a failed write fails the next add and flush, even when it failed while nobody waited", async () => {
    const { started, write } = manualWrites();
    const batcher = new OutcomeBatcher(1, write);
    await batcher.add(outcome(0));
    started[0]!.finish(new Error("database gone"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(batcher.add(outcome(1))).rejects.toThrow("database gone");
    await expect(batcher.flush()).rejects.toThrow("database gone");
  });
});
