import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FakeEnvironment } from "../testing/index.ts";
import { commandProbe } from "./command-probe.ts";
import { fault } from "./fault-action.ts";
import { httpProbe } from "./http-probe.ts";
import { runExperiment } from "./run-experiment.ts";
import { fakeDefinition } from "./testing/fake-experiment.ts";

// The integrity check reads what the fake pipeline "wrote" instead of Postgres tables.
vi.mock("../integrity/index.ts", async () => {
  const { snapshotOfFakeDatabase } = await import("../testing/index.ts");
  return { snapshotTables: snapshotOfFakeDatabase };
});

/** An API whose health check answers 503 once `failing` is set. */
const api = { failing: false, server: undefined as Server | undefined, url: "" };

beforeAll(async () => {
  api.server = createServer((_request, response) => {
    response.writeHead(api.failing ? 503 : 200, { "content-type": "application/json" }).end(JSON.stringify({ status: api.failing ? "down" : "ok" }));
  });
  await new Promise<void>((resolve) => api.server!.listen(0, "127.0.0.1", resolve));
  api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}/health`;
});

afterAll(async () => {
  api.server?.closeAllConnections();
  await new Promise((resolve) => api.server?.close(resolve));
});

/** Pauses Postgres and, once that is in effect, breaks the API: the fault's blast radius reaching what the safety probe watches. */
const breakTheApi = fault("pause Postgres", async ({ faults }) => {
  const handle = await faults.pause("postgres");
  api.failing = true;
  return handle;
});

describe("safety probes in runExperiment", () => {
  it("stops the method when a safety probe fails its third sample in a row, rolls back, and names the probe and its error", async () => {
    api.failing = false;
    const env = new FakeEnvironment({ pipelines: { experiment: { exit: "never", objectsPerSecond: 5 } } });
    const checkout = httpProbe({ name: "checkout API", url: api.url, withinMs: 1_000 });
    const journal = await runExperiment(
      env,
      fakeDefinition({ timeLimitMs: 5_000, method: [breakTheApi.after(200)], safety: [{ probe: checkout, consecutiveFailures: 3 }] }),
    );

    expect(journal.status).toBe("aborted");
    expect(journal.reason).toBe(
      `safety: "checkout API" could not measure: GET ${api.url} answered 503 (expected 200-299) (3 samples in a row); the method was stopped and rolled back`,
    );
    expect(journal.durationMs).toBeLessThan(5_000);
    expect(env.undone).toEqual(["pause postgres"]);
    expect(journal.rollbacks.map(({ name, ok }) => ({ name, ok }))).toEqual([
      { name: "remove fault: pause Postgres", ok: true },
      { name: "remove any other fault", ok: true },
      { name: "stop the pipeline", ok: true },
    ]);
    expect(env.launched[1]!.endedBy).toBe("stop");

    const samples = journal.samples.filter((sample) => sample.probe === "checkout API");
    expect(samples[0]).toMatchObject({ phase: "before", ok: true });
    const failed = samples.filter((sample) => !sample.ok);
    expect(failed).toHaveLength(3);
    expect(samples.slice(-3)).toEqual(failed);
    // A sample is stamped when its tick starts: the tick in flight while the fault was being stamped may be the first to fail.
    expect(failed[0]!.at).toBeGreaterThanOrEqual(journal.faults[0]!.injectedAt! - 25);
    expect(samples.filter((sample) => sample.phase === "during" && sample.ok).length).toBeGreaterThan(0);
    expect(journal.probes.find((probe) => probe.name === "checkout API")).toEqual({
      name: "checkout API",
      unit: "ms",
      role: "safety",
      tolerance: `GET ${api.url} answers 200-299 within 1000 ms; 3 failed samples in a row stop the method`,
    });
  });

  it("injects nothing when a safety probe fails before the method", async () => {
    const env = new FakeEnvironment({ pipelines: { experiment: { exit: "never", objectsPerSecond: 5 } } });
    const freeze = commandProbe({ name: "no deploy freeze", argv: ["sh", "-c", "exit 1"] });
    const journal = await runExperiment(env, fakeDefinition({ method: [breakTheApi], safety: [freeze] }));

    expect(journal.status).toBe("aborted");
    expect(journal.reason).toBe(
      'safety: "no deploy freeze" measured 1 exit code (tolerance: sh -c exit 1 exits with 0 within 5000 ms) before the method; nothing was injected',
    );
    expect(env.injected).toEqual([]);
    expect(journal.faults).toEqual([]);
    expect(journal.samples.filter((sample) => sample.probe === "no deploy freeze")).toEqual([
      { probe: "no deploy freeze", at: expect.any(Number), phase: "before", value: 1, ok: false },
    ]);
  });

  it("completes when every safety probe holds, with their samples in the journal but not in the hypothesis", async () => {
    api.failing = false;
    const env = new FakeEnvironment({ pipelines: { experiment: { objectsPerSecond: 40 } } });
    const journal = await runExperiment(
      env,
      fakeDefinition({
        method: [fault("pause Postgres", ({ faults }) => faults.pause("postgres")).for(100)],
        safety: [httpProbe({ name: "checkout API", url: api.url })],
      }),
    );

    expect(journal.status, journal.reason).toBe("completed");
    expect(journal.integrity?.ok).toBe(true);
    expect(journal.samples.filter((sample) => sample.probe === "checkout API" && sample.phase === "during").length).toBeGreaterThan(1);
    expect(journal.probes.filter((probe) => probe.role === "safety").map((probe) => probe.name)).toEqual(["checkout API", "time limit"]);
  });

  it("refuses a safety probe named like a hypothesis probe, naming the field", async () => {
    const definition = fakeDefinition({ safety: [commandProbe({ name: "postgres latency", argv: ["true"] })] });
    await expect(runExperiment(new FakeEnvironment(), definition)).rejects.toThrow('safety[0]: "postgres latency" is also a hypothesis probe');
    await expect(
      runExperiment(new FakeEnvironment(), fakeDefinition({ safety: [{ probe: commandProbe({ name: "c", argv: ["true"] }), consecutiveFailures: 0 }] })),
    ).rejects.toThrow("safety[0].consecutiveFailures must be a whole number of at least 1");
  });
});
