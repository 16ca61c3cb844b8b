import { describe, expect, it } from "vitest";
import { measureBaseline } from "./baseline-run.ts";
import { scaleSystem } from "../systems/index.ts";
import { FakeEnvironment, type FakePipelineBehaviour } from "../testing/index.ts";
import { fakeCorpus } from "./testing/fake-experiment.ts";

async function baselineEnv(objects: number, behaviour: FakePipelineBehaviour) {
  const env = new FakeEnvironment({ pipelines: { golden: behaviour } });
  await env.seed(fakeCorpus(objects).map((object) => ({ ...object, key: `run/${object.key}` })));
  const database = await env.createDatabase("golden");
  return { env, request: { prefix: "run/", database: database.name } };
}

describe("measureBaseline", () => {
  it("measures the throughput of a run that commits in batches, counting only what was committed after the first commit it saw", async () => {
    // 40 objects in two batches of 20, at 50 objects/s: commits at 400 and 800 ms, so 20 objects in the 400 ms between them.
    const { env, request } = await baselineEnv(40, { objectsPerSecond: 50, batch: 20, lingerMs: 200 });
    const baseline = await measureBaseline(await scaleSystem.attach(env), request, 40, new AbortController().signal);

    expect(baseline.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(baseline.throughput).toBeGreaterThan(35);
    expect(baseline.throughput).toBeLessThanOrEqual(70);
    expect(env.launched[0]!.endedBy).toBe("itself");
  });

  it("falls back to objects over the whole run when it never saw every object committed", async () => {
    const { env, request } = await baselineEnv(20, { objectsPerSecond: 100, exit: { code: 0, afterMs: 150, outputTail: "done" } });
    const baseline = await measureBaseline(await scaleSystem.attach(env), request, 20, new AbortController().signal);

    expect(baseline.throughput).toBeCloseTo((20 * 1000) / baseline.durationMs, 6);
  });

  it("throws with the pipeline's output when the baseline run fails", async () => {
    const { env, request } = await baselineEnv(20, { exit: { code: 1, afterMs: 50, outputTail: "ECONNREFUSED 127.0.0.1:5432" } });
    await expect(measureBaseline(await scaleSystem.attach(env), request, 20, new AbortController().signal)).rejects.toThrow(
      "the fault-free baseline run failed (exit code 1):\nECONNREFUSED 127.0.0.1:5432",
    );
  });

  it("stops the pipeline when aborted", async () => {
    const { env, request } = await baselineEnv(20, { exit: "never" });
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error("interrupted")), 150);
    await expect(measureBaseline(await scaleSystem.attach(env), request, 20, abort.signal)).rejects.toThrow("interrupted");
    expect(env.launched[0]!.endedBy).toBe("stop");
  });
});
