import { setImmediate, setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ALLOW_TARGET_VARIABLE } from "./blast-radius.ts";
import { fault } from "./fault-action.ts";
import { createFaultHandle, effectSeen, ENVIRONMENT_FAILURE_PREFIX, EnvironmentFailureError, type Journal } from "../core/index.ts";
import { runExperiment, UNSUPPORTED_PREFIX } from "./run-experiment.ts";
import { FakeEnvironment, type FakeEnvironmentOptions } from "../testing/index.ts";
import { fakeDefinition } from "./testing/fake-experiment.ts";
import { afterProgress } from "./trigger.ts";

const NEVER_ENDS: FakeEnvironmentOptions["pipelines"] = { experiment: { exit: "never", objectsPerSecond: 5 } };

const freezePostgres = fault("freeze Postgres", ({ faults }) => faults.pause("postgres"));
const slowS3 = fault("slow S3", ({ faults }) => faults.s3({ type: "latency", latencyMs: 800 }));

/** Runs `experiment`, failing on any promise rejection nobody handled meanwhile (it would crash a CLI run). */
async function runCatchingUnhandled(env: FakeEnvironment, definition: Parameters<typeof runExperiment>[1]): Promise<Journal> {
  const unhandled: unknown[] = [];
  const listener = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", listener);
  try {
    const journal = await runExperiment(env, definition);
    await setImmediate();
    expect(unhandled, "unhandled rejections during the experiment").toEqual([]);
    return journal;
  } finally {
    process.off("unhandledRejection", listener);
  }
}

function rollbackNamed(journal: Journal, name: string) {
  const rollback = journal.rollbacks.find((record) => record.name === name);
  if (!rollback) throw new Error(`no rollback "${name}"; there are: ${journal.rollbacks.map((record) => record.name).join(", ")}`);
  return rollback;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("runExperiment on a fake environment", () => {
  it("aborts at the time limit, removes every fault, stops the pipeline and records each rollback", async () => {
    const env = new FakeEnvironment({ pipelines: NEVER_ENDS });
    const journal = await runCatchingUnhandled(env, fakeDefinition({ timeLimitMs: 1_000, method: [freezePostgres, slowS3.for(60_000)] }));

    expect(journal.status).toBe("aborted");
    expect(journal.reason).toBe("safety: the time limit of 1000 ms was reached");
    expect(journal.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(journal.durationMs).toBeLessThan(2_000);
    expect([...env.undone].sort()).toEqual(["pause postgres", "s3 s3"]);
    for (const record of journal.faults) {
      expect(record.injectedAt, record.name).not.toBeNull();
      expect(record.removedAt, record.name).toBeGreaterThan(record.injectedAt!);
    }
    expect(env.launched.map((process) => process.endedBy)).toEqual(["itself", "stop"]);
    expect(journal.rollbacks.map(({ name, ok }) => ({ name, ok }))).toEqual([
      { name: "remove fault: freeze Postgres", ok: true },
      { name: "remove fault: slow S3", ok: true },
      { name: "remove any other fault", ok: true },
      { name: "stop the pipeline", ok: true },
    ]);
    expect(journal.integrity).toBeNull();
    expect(journal.steadyStateBefore).toBe(true);
  });

  it("runs every rollback when one fails, and records the failure", async () => {
    const env = new FakeEnvironment({ pipelines: NEVER_ENDS, faults: { failRemoval: ["pause"] } });
    const journal = await runCatchingUnhandled(env, fakeDefinition({ timeLimitMs: 800, method: [freezePostgres, slowS3] }));

    expect(journal.status).toBe("aborted");
    expect(rollbackNamed(journal, "remove fault: freeze Postgres")).toMatchObject({ ok: false, error: "cannot undo pause postgres" });
    expect(rollbackNamed(journal, "remove fault: slow S3").ok).toBe(true);
    expect(rollbackNamed(journal, "remove any other fault")).toMatchObject({ ok: false, error: "1 fault(s) could not be removed" });
    expect(rollbackNamed(journal, "stop the pipeline").ok).toBe(true);
    expect(env.undone).toEqual(["s3 s3"]);
    expect(env.launched[1]!.endedBy).toBe("stop");
    expect(journal.faults.find((record) => record.name === "freeze Postgres")!.removedAt).toBeNull();
  });

  it("says on the fault's record why it could not be removed at rollback", async () => {
    const env = new FakeEnvironment({ pipelines: NEVER_ENDS, faults: { failRemoval: ["pause"] } });
    const journal = await runCatchingUnhandled(env, fakeDefinition({ timeLimitMs: 800, method: [freezePostgres] }));

    const record = journal.faults[0]!;
    expect(record.removedAt).toBeNull();
    expect(record.error).toEqual(expect.stringContaining("cannot undo pause postgres"));
  });

  it(`refuses a non-local environment without ${ALLOW_TARGET_VARIABLE}: nothing seeded, launched or injected`, async () => {
    vi.stubEnv(ALLOW_TARGET_VARIABLE, undefined);
    const env = new FakeEnvironment({ isLocal: false, target: "kubernetes staging/chaos" });
    const journal = await runCatchingUnhandled(env, fakeDefinition({ method: [freezePostgres] }));

    expect(journal.status).toBe("aborted");
    expect(journal.reason).toContain(`${ALLOW_TARGET_VARIABLE}="kubernetes staging/chaos"`);
    expect(env.seeded).toEqual([]);
    expect(env.databases).toEqual([]);
    expect(env.launched).toEqual([]);
    expect(env.faultLibraries).toEqual([]);
    expect(journal.faults).toEqual([]);
    expect(journal.steadyStateBefore).toBeNull();
    expect(journal.environment).toEqual({ kind: "embedded", target: "kubernetes staging/chaos" });
  });

  it(`runs on a non-local environment named exactly by ${ALLOW_TARGET_VARIABLE}`, async () => {
    vi.stubEnv(ALLOW_TARGET_VARIABLE, "kubernetes staging/chaos");
    const env = new FakeEnvironment({
      isLocal: false,
      target: "kubernetes staging/chaos",
      pipelines: { experiment: { exit: { code: 1, afterMs: 50, outputTail: "boom" } } },
    });
    const journal = await runCatchingUnhandled(env, fakeDefinition());

    expect(journal.reason).not.toContain(ALLOW_TARGET_VARIABLE);
    expect(env.seeded).toHaveLength(20);
    expect(env.launched).toHaveLength(2);
  });

  it("fails with the pipeline's output when it exits with code 1", async () => {
    const env = new FakeEnvironment({
      pipelines: { experiment: { exit: { code: 1, afterMs: 150, outputTail: 'error: relation "filename_instrument" does not exist' } } },
    });
    const journal = await runCatchingUnhandled(env, fakeDefinition({ method: [slowS3.for(60_000)] }));

    expect(journal.status).toBe("failed");
    expect(journal.reason).toBe('the pipeline exited with code 1:\nerror: relation "filename_instrument" does not exist');
    expect(journal.integrity).toBeNull();
    expect(env.undone).toEqual(["s3 s3"]);
    expect(journal.rollbacks.every((record) => record.ok)).toBe(true);
  });

  it("fails with the pipeline's output when it exits with code 1 before a fault's trigger fired", async () => {
    const env = new FakeEnvironment({ pipelines: { experiment: { exit: { code: 1, afterMs: 100, outputTail: "crashed" } } } });
    const journal = await runCatchingUnhandled(env, fakeDefinition({ method: [slowS3.after(5_000).for(100)] }));

    expect(journal.status).toBe("failed");
    expect(journal.reason).toBe("the pipeline exited with code 1:\ncrashed");
    expect(env.injected).toEqual([]);
  });

  it("fails without injecting anything when the steady state does not hold before the method", async () => {
    const env = new FakeEnvironment({
      ping: () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      },
    });
    const journal = await runCatchingUnhandled(env, fakeDefinition({ method: [freezePostgres] }));

    expect(journal.status).toBe("failed");
    expect(journal.reason).toBe("the steady state did not hold before the method: nothing was injected");
    expect(journal.steadyStateBefore).toBe(false);
    expect(journal.samples.filter((sample) => sample.phase === "before")).toEqual([
      { probe: "postgres latency", at: expect.any(Number), phase: "before", value: null, ok: false, error: "connect ECONNREFUSED 127.0.0.1:5432" },
    ]);
    expect(env.injected).toEqual([]);
    expect(env.launched).toHaveLength(1);
    expect(journal.faults).toEqual([]);
  });

  it("records on the fault that its trigger never fired before the pipeline finished", async () => {
    const env = new FakeEnvironment();
    const journal = await runCatchingUnhandled(env, fakeDefinition({ method: [freezePostgres.when(afterProgress(2)).for(100)] }));

    const record = journal.faults[0]!;
    expect(record.error).toBe("the pipeline finished before the trigger (once 200% of the objects are committed) fired");
    expect(record.injectedAt).toBeNull();
    expect(env.injected).toEqual([]);
    expect(journal.status).toBe("failed");
  });

  it("journals injection and removal relative to its start, the fault lasting its planned duration", async () => {
    const env = new FakeEnvironment({ pipelines: NEVER_ENDS });
    const before = performance.now();
    const journal = await runCatchingUnhandled(env, fakeDefinition({ timeLimitMs: 1_200, method: [freezePostgres.after(100).for(400)] }));
    const after = performance.now();

    const record = journal.faults[0]!;
    const handle = env.injected[0]!;
    expect(record).toMatchObject({ kind: "fake/pause", target: "postgres", plannedDurationMs: 400, trigger: "100 ms after the pipeline started" });
    expect(record.injectedAt).toBeGreaterThan(0);
    // Node's timers run off a cached loop clock, so they may fire a millisecond or two early by performance.now().
    expect(record.removedAt! - record.injectedAt!).toBeGreaterThanOrEqual(395);
    expect(record.removedAt! - record.injectedAt!).toBeLessThan(500);
    expect(record.removedAt).toBeLessThanOrEqual(journal.durationMs);
    expect(before + record.injectedAt!).toBeGreaterThan(handle.injectedAt - 20);
    expect(before + record.injectedAt!).toBeLessThanOrEqual(handle.injectedAt + 0.1);
    expect(before + record.removedAt!).toBeGreaterThan(handle.removedAt! - 20);
    expect(handle.removedAt!).toBeLessThan(after);
    expect(handle.injectedAt - env.launched[1]!.launchedAt).toBeGreaterThanOrEqual(95);
    expect(journal.rollbacks.map((rollback) => rollback.name)).toEqual(["remove any other fault", "stop the pipeline"]);
    expect(env.undone).toEqual(["pause postgres"]);
  });

  it("aborts with the unsupported prefix when the environment cannot produce a fault", async () => {
    const env = new FakeEnvironment({ pipelines: NEVER_ENDS, faults: { unsupported: ["pause"] } });
    const journal = await runCatchingUnhandled(env, fakeDefinition({ method: [freezePostgres.for(100), slowS3.for(60_000)] }));

    expect(journal.status).toBe("aborted");
    expect(journal.reason?.startsWith(UNSUPPORTED_PREFIX)).toBe(true);
    expect(journal.reason).toBe(`${UNSUPPORTED_PREFIX}pause postgres is not available on the fake environment: the fake environment cannot do that`);
    expect(journal.faults.find((record) => record.name === "freeze Postgres")!.error).toContain("not available on the fake environment");
    expect(env.launched[1]!.endedBy).toBe("stop");
    expect(journal.durationMs).toBeLessThan(1_500);
  });

  it("stops before the baseline run when the environment refuses a fault up front: no pipeline launched, nothing injected", async () => {
    const env = new FakeEnvironment({ pipelines: NEVER_ENDS, faults: { unsupported: ["pause"], refusesUpFront: true } });
    const journal = await runCatchingUnhandled(env, fakeDefinition({ method: [slowS3.for(60_000), freezePostgres.for(100)] }));

    expect(journal.status).toBe("aborted");
    expect(journal.reason).toBe(`${UNSUPPORTED_PREFIX}pause postgres is not available on the fake environment: the fake environment cannot do that`);
    expect(env.launched).toEqual([]);
    expect(env.injected).toEqual([]);
    expect(journal.faults).toEqual([]);
  });

  it("fails with the fault's error when injecting it throws mid-run", async () => {
    const env = new FakeEnvironment({ pipelines: { experiment: { objectsPerSecond: 50 } } });
    const broken = fault("kill Postgres", async () => {
      throw new Error("kill: permission denied");
    });
    const journal = await runCatchingUnhandled(env, fakeDefinition({ method: [broken] }));

    expect(journal.status).toBe("failed");
    expect(journal.reason).toBe("kill: permission denied");
    expect(journal.faults[0]).toMatchObject({ error: "kill: permission denied", injectedAt: null });
    expect(env.launched[1]!.endedBy).toBe("itself");
  });

  it("holds the time limit during the baseline run too: a baseline that never ends is aborted", async () => {
    const env = new FakeEnvironment({ pipelines: { golden: { exit: "never" } } });
    const run = runExperiment(env, fakeDefinition({ timeLimitMs: 300, method: [slowS3] }));
    const early = await Promise.race([run, sleep(1_500).then(() => undefined)]);
    env.launched[0]?.exitNow({ code: 1, signal: null, outputTail: "ended by the test" });
    const journal = await run;

    expect(early, "runExperiment was still running 1.2 s past its 300 ms time limit").toBeDefined();
    expect(journal.status).toBe("aborted");
    expect(journal.reason).toContain("time limit");
    expect(env.injected).toEqual([]);
  });

  it("aborts once the pipeline retried more than the limit", async () => {
    const env = new FakeEnvironment({ pipelines: { experiment: { exit: "never", objectsPerSecond: 5, retriesPerSecond: 100 } } });
    const journal = await runCatchingUnhandled(env, fakeDefinition({ maxRetries: 5, method: [slowS3] }));

    expect(journal.status).toBe("aborted");
    expect(journal.reason).toMatch(/^safety: the pipeline retried \d+ times \(limit 5\)$/);
    expect(journal.probes.map((probe) => probe.name)).toContain("retry limit");
    expect(env.undone).toEqual(["s3 s3"]);
    expect(journal.durationMs).toBeLessThan(1_500);
  });
});

describe("runExperiment when the environment cannot restore what a fault took down", () => {
  it("fails first as an environment failure with the engine's message, not with what the pipeline did after it", async () => {
    const env = new FakeEnvironment({ pipelines: { experiment: { exit: { code: 1, afterMs: 600, outputTail: "error: connect ECONNREFUSED" } } } });
    const engineMessage = "(HTTP code 500) server error - cannot listen on the TCP port: listen tcp4 :46203: bind: address already in use";
    const killPostgres = fault("kill Postgres", async () =>
      createFaultHandle(
        { kind: "process/kill", cause: "equipment-failure", target: "postgres", parameters: {} },
        {},
        async () => {
          throw new EnvironmentFailureError("could not start the postgres container 1a2b3c4d5e6f again", new Error(engineMessage));
        },
        effectSeen("the fake engine reported the container exited"),
      ),
    ).for(100);
    const journal = await runCatchingUnhandled(env, fakeDefinition({ method: [killPostgres] }));

    expect(journal.status).toBe("failed");
    expect(journal.reason).toBe(`${ENVIRONMENT_FAILURE_PREFIX}could not start the postgres container 1a2b3c4d5e6f again: ${engineMessage}`);
    expect(journal.faults[0]!.error).toContain(engineMessage);
  });
});
