import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fault, runExperiment, throughput, type ExperimentDefinition } from "../experiment/index.ts";
import { FakeEnvironment } from "../testing/index.ts";
import type { GremlinAttackObservations } from "./gremlin-attack.ts";
import { resolveGremlinConfig } from "./gremlin-config.ts";
import { gremlinFaults } from "./gremlin-faults.ts";
import { FakeGremlinApi } from "./testing/fake-gremlin-api.ts";

describe("a Gremlin attack in an experiment", () => {
  it("is halted by the rollback when the time limit stops the method, and the journal holds its timeline but not the key", async () => {
    const apiKey = `gk-${randomBytes(20).toString("hex")}`;
    await using fake = await FakeGremlinApi.start({ apiKey, teamId: "team-1", clients: ["web-1"] });
    await using gremlin = gremlinFaults({
      config: resolveGremlinConfig({ apiKey, teamId: "team-1", apiUrl: fake.url }),
      allowedTargets: () => ["host:web-1"],
      timing: { pollIntervalMs: 10 },
    });
    const env = new FakeEnvironment({ pipelines: { experiment: { exit: "never", objectsPerSecond: 5 } } });
    const definition: ExperimentDefinition = {
      id: "gremlin-cpu",
      title: "CPU attack on web-1 through Gremlin",
      cause: "overload",
      corpus: Array.from({ length: 20 }, (_, i) => ({ key: `songs/${i}.mid`, body: new Uint8Array([i]) })),
      hypothesis: [throughput({ atLeast: 0.3, windowMs: 200 })],
      method: [fault("cpu on web-1", () => gremlin.cpu({ target: { hosts: ["web-1"] }, lengthSeconds: 120 }))],
      budget: { recoveryMs: 1_000 },
      sampleEveryMs: 25,
      stableForMs: 100,
      timeLimitMs: 1_000,
    };

    const journal = await runExperiment(env, definition);
    expect(journal.status).toBe("aborted");
    expect(journal.rollbacks.find((rollback) => rollback.name === "remove fault: cpu on web-1")).toMatchObject({ ok: true });
    const [record] = journal.faults;
    const observations = record!.observations as unknown as GremlinAttackObservations;
    expect(record).toMatchObject({ kind: "gremlin/cpu", target: "gremlin host:web-1" });
    expect(observations).toMatchObject({ targets: ["host:web-1"], endedBy: "halted", finalStages: ["web-1: Halted"] });
    expect(observations.transitions.map((transition) => transition.stage)).toEqual(expect.arrayContaining(["Running", "Halted"]));
    expect(fake.stagesOf(observations.attackId)).toEqual(["Halted"]);
    expect(fake.requestsTo("DELETE", "/v1/attacks/")).toHaveLength(1);
    expect(JSON.stringify(journal)).not.toContain(apiKey);
  }, 30_000);
});
