import { describe, expect, it } from "vitest";
import type { AttachedSystem, PipelineExit, PipelineLaunchRequest, PipelineProcess, PipelineProgress } from "../core/index.ts";
import { pipelineLayout } from "./pipeline-layout.ts";
import { PipelineSupervisor } from "./pipeline-supervisor.ts";
import { ProgressTracker } from "./progress-tracker.ts";

/** A process that exits when told to, with counters set by the test. */
class ScriptedProcess implements PipelineProcess {
  readonly exited: Promise<PipelineExit>;
  counters: PipelineProgress = { objectsDone: 0, pairsWritten: 0, retries: 0, quarantined: 0 };
  reachable = true;
  private resolveExit!: (exit: PipelineExit) => void;

  constructor(
    readonly id: string,
    readonly request: PipelineLaunchRequest,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  async progress(): Promise<PipelineProgress> {
    if (!this.reachable) throw new Error("gone");
    return this.counters;
  }

  exit(code: number, outputTail = ""): void {
    this.resolveExit({ code, signal: null, outputTail });
  }

  async kill(): Promise<{ id: string; signal: string }> {
    this.resolveExit({ code: null, signal: "SIGKILL", outputTail: "" });
    return { id: this.id, signal: "SIGKILL" };
  }

  async stop(): Promise<void> {
    this.resolveExit({ code: null, signal: "SIGTERM", outputTail: "" });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

function scriptedSystem(): { system: AttachedSystem; started: ScriptedProcess[] } {
  const started: ScriptedProcess[] = [];
  const system = {
    start: async (request: PipelineLaunchRequest) => {
      const process = new ScriptedProcess(`pid ${started.length + 1}`, request);
      started.push(process);
      return process;
    },
  } as unknown as AttachedSystem;
  return { system, started };
}

const REQUEST: PipelineLaunchRequest = { prefix: "p/", database: "db", pairBatchSize: 2 };
const counters = (objectsDone: number, pairsWritten = 0): PipelineProgress => ({ objectsDone, pairsWritten, retries: 0, quarantined: 0 });
/** Lets the supervisor see exits (they settle on promise callbacks). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("PipelineSupervisor, one process", () => {
  it("ends the run with the process' exit, and counts what a killed process committed on top of its restart's", async () => {
    const { system, started } = scriptedSystem();
    const tracker = new ProgressTracker(100);
    const supervisor = new PipelineSupervisor(system, REQUEST, tracker);
    await supervisor.start();
    expect(started.map((each) => each.request)).toEqual([REQUEST]);
    started[0]!.counters = counters(30);
    await supervisor.sample(0);
    const kill = await supervisor.kill();
    expect(kill.observations).toMatchObject({ killed: "pid 1", signal: "SIGKILL", objectsDoneAtKill: 30, exit: "SIGKILL" });
    expect(supervisor.running).toBe(true);
    await kill.remove();
    expect(kill.observations.restartedAs).toBe("pid 2");
    started[1]!.counters = counters(5);
    await supervisor.sample(100);
    expect(tracker.latest.objectsDone).toBe(35);
    started[1]!.exit(0, "done");
    expect(await supervisor.finished).toEqual({ code: 0, signal: null, outputTail: "done" });
    expect(supervisor.processes).toBe(2);
  });
});

describe("PipelineSupervisor, sharded", () => {
  const layout = pipelineLayout({ name: "scale", shardedStages: ["extract", "similarity"] }, 2);

  it("runs every shard of a stage at once, and the next stage once all of them exited 0", async () => {
    const { system, started } = scriptedSystem();
    const tracker = new ProgressTracker(10);
    const supervisor = new PipelineSupervisor(system, REQUEST, tracker, layout);
    await supervisor.start();
    expect(started.map((each) => each.request.shard)).toEqual([
      { stage: "extract", index: 0, count: 2 },
      { stage: "extract", index: 1, count: 2 },
    ]);
    started[0]!.counters = counters(4);
    started[1]!.counters = counters(3);
    await supervisor.sample(0);
    expect(tracker.latest.objectsDone).toBe(7);
    started[0]!.exit(0);
    await settle();
    expect(started).toHaveLength(2);
    started[1]!.exit(0);
    await settle();
    // Their last commits were never scraped, but both exited 0: every object has its outcome.
    expect(tracker.extractionComplete).toBe(true);
    expect(started.slice(2).map((each) => each.request.shard)).toEqual([
      { stage: "similarity", index: 0, count: 2 },
      { stage: "similarity", index: 1, count: 2 },
    ]);
    started[2]!.exit(0);
    started[3]!.exit(0, "last");
    expect(await supervisor.finished).toMatchObject({ code: 0, outputTail: "last" });
  });

  it("kills the named shard only, reads one shard's counters, and restarts that shard when the fault is removed", async () => {
    const { system, started } = scriptedSystem();
    const supervisor = new PipelineSupervisor(system, REQUEST, new ProgressTracker(10), layout);
    await supervisor.start();
    const target = { stage: "similarity", shard: 1 };
    expect(await supervisor.progressOf(target)).toBeUndefined();
    await expect(supervisor.kill(target)).rejects.toThrow("similarity shard 1 is not running (running: extract shard 0 of 2, extract shard 1 of 2)");
    await expect(supervisor.kill()).rejects.toThrow("name the shard to kill");
    started[0]!.exit(0);
    started[1]!.exit(0);
    await settle();
    started[3]!.counters = counters(0, 4);
    expect(await supervisor.progressOf(target)).toEqual(counters(0, 4));

    const kill = await supervisor.kill(target);
    expect(kill.description.target).toBe("similarity shard 1 of 2");
    expect(kill.observations).toMatchObject({ killed: "pid 4", exit: "SIGKILL" });
    started[2]!.exit(0);
    await settle();
    // The stage waits for the killed shard's restart.
    expect(supervisor.running).toBe(true);
    await kill.remove();
    expect(started[4]!.request.shard).toEqual({ stage: "similarity", index: 1, count: 2 });
    started[4]!.exit(0);
    expect(await supervisor.finished).toMatchObject({ code: 0 });
    expect(supervisor.processes).toBe(5);
  });

  it("ends the run with the first shard that fails on its own, and stops the others on rollback", async () => {
    const { system, started } = scriptedSystem();
    const supervisor = new PipelineSupervisor(system, REQUEST, new ProgressTracker(10), layout);
    await supervisor.start();
    started[1]!.exit(1, "pipeline failed: boom");
    expect(await supervisor.finished).toEqual({ code: 1, signal: null, outputTail: "pipeline failed: boom" });
    await supervisor.stop();
    expect(await started[0]!.exited).toMatchObject({ signal: "SIGTERM" });
    expect(started).toHaveLength(2);
  });

  it("is refused for a system without sharded stages, naming the option", () => {
    expect(() => pipelineLayout({ name: "item-sync" }, 2)).toThrow("pipeline.shards is 2, but item-sync declares no sharded stages");
    expect(() => pipelineLayout({ name: "scale", shardedStages: ["extract"] }, 0)).toThrow("pipeline.shards must be an integer >= 1, got 0");
  });
});
