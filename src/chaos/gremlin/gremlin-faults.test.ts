/**
 * Contract tests against a local server that implements Gremlin's attack
 * endpoints as its public references describe them (testing/fake-gremlin-api.ts).
 */
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FaultNotInEffectError, FaultParameterError } from "../core/index.ts";
import { GremlinApiError, GremlinAttackFailedError, GremlinConfigError, GremlinTargetRefusedError } from "./errors.ts";
import { gremlinFaults, type GremlinFaults } from "./gremlin-faults.ts";
import { resolveGremlinConfig } from "./gremlin-config.ts";
import { FakeGremlinApi, type FakeGremlinOptions } from "./testing/fake-gremlin-api.ts";

const TEAM = "team-1";
const FAST = { pollIntervalMs: 10, runningTimeoutMs: 5_000, haltTimeoutMs: 5_000 };

let fake: FakeGremlinApi;
let apiKey: string;
let allowed: string[];
let faults: GremlinFaults;

async function startFake(options: Partial<FakeGremlinOptions> = {}): Promise<void> {
  await fake?.[Symbol.asyncDispose]();
  fake = await FakeGremlinApi.start({ apiKey, teamId: TEAM, clients: ["web-1", "web-2", "pg-container"], ...options });
  faults = gremlinFaults({ config: resolveGremlinConfig({ apiKey, teamId: TEAM, apiUrl: fake.url }), allowedTargets: () => allowed, timing: FAST });
}

beforeEach(async () => {
  apiKey = `gk-${randomBytes(16).toString("hex")}`;
  allowed = ["host:web-1", "host:web-2", "container:pg-container", "host:retired-host"];
  await startFake();
});

afterEach(async () => {
  await faults[Symbol.asyncDispose]();
  await fake[Symbol.asyncDispose]();
  vi.unstubAllEnvs();
});

describe("Gremlin attacks against the contract server", () => {
  it("creates a CPU attack with the documented request, returns once it is Running, and halts it on removal", async () => {
    const handle = await faults.cpu({ target: { hosts: ["web-1"] }, lengthSeconds: 60, cores: 2, percent: 80 });
    const { attackId } = handle.observations;
    expect(fake.stagesOf(attackId)).toEqual(["Running"]);

    const [create] = fake.requestsTo("POST", "/v1/attacks/new");
    expect(create).toEqual({
      method: "POST",
      path: "/v1/attacks/new",
      query: { teamId: TEAM },
      authorization: `Key ${apiKey}`,
      body: { command: { type: "cpu", args: ["-l", "60", "-p", "80", "-c", "2"] }, target: { type: "Exact", hosts: { ids: ["web-1"] } } },
    });
    expect(fake.requestsTo("GET", "/v1/executions").every((request) => request.query.taskId === attackId && request.query.teamId === TEAM)).toBe(true);
    expect(handle.description).toMatchObject({ kind: "gremlin/cpu", cause: "overload", target: "gremlin host:web-1" });
    // Stages a poll missed come from Gremlin's service_states history, so the timeline is complete however slow the polls.
    expect(handle.observations.transitions.map((transition) => transition.stage)).toEqual(["Pending", "Distributed", "Initializing", "Running"]);
    expect(handle.observations.runningAfterMs).toBeGreaterThanOrEqual(3 * 30);
    expect(handle.observations.transitions.at(-1)).toMatchObject({ client: "web-1", reportedAt: expect.stringMatching(/^\d{4}-/) });

    await handle.remove();
    await handle.remove();
    expect(fake.requestsTo("DELETE", "/v1/attacks/")).toEqual([
      expect.objectContaining({ path: `/v1/attacks/${attackId}`, query: { teamId: TEAM }, authorization: `Key ${apiKey}` }),
    ]);
    expect(fake.stagesOf(attackId)).toEqual(["Halted"]);
    expect(handle.removedAt).toBeGreaterThan(handle.injectedAt);
    expect(handle.observations).toMatchObject({ endedBy: "halted", finalStages: ["web-1: Halted"] });
    expect(handle.observations.haltedAfterMs).toBeGreaterThanOrEqual(60 - 5);
    expect(handle.observations.transitions.map((transition) => transition.stage).slice(4)).toEqual(["HaltDistributed", "Halted"]);
  });

  it("sends latency and blackhole attacks to containers, sparing Gremlin's API and DNS so the halt gets through", async () => {
    const latency = await faults.latency({
      target: { containers: ["pg-container"] },
      lengthSeconds: 30,
      delayMs: 200,
      hostnames: ["postgres.staging"],
      ports: [5432],
    });
    const blackhole = await faults.blackhole({ target: { hosts: ["web-1", "web-2"] }, lengthSeconds: 20 });
    expect(fake.requestsTo("POST", "/v1/attacks/new").map((request) => request.body)).toEqual([
      {
        command: { type: "latency", args: ["-l", "30", "-m", "200", "-h", "postgres.staging,^api.gremlin.com", "-p", "5432,^53"] },
        target: { type: "Exact", containers: { ids: ["pg-container"] } },
      },
      {
        command: { type: "blackhole", args: ["-l", "20", "-h", "^api.gremlin.com", "-p", "^53"] },
        target: { type: "Exact", hosts: { ids: ["web-1", "web-2"] } },
      },
    ]);
    expect(blackhole.description).toMatchObject({ kind: "gremlin/blackhole", cause: "equipment-failure", target: "gremlin host:web-1,host:web-2" });
    expect(fake.stagesOf(blackhole.observations.attackId)).toEqual(["Running", "Running"]);
    expect(new Set(blackhole.observations.transitions.filter((t) => t.stage === "Running").map((t) => t.client))).toEqual(new Set(["web-1", "web-2"]));

    await faults.removeAll();
    expect(fake.stagesOf(latency.observations.attackId)).toEqual(["Halted"]);
    expect(fake.stagesOf(blackhole.observations.attackId)).toEqual(["Halted", "Halted"]);
    expect(blackhole.observations.finalStages).toEqual(["web-1: Halted", "web-2: Halted"]);
  });

  it("records a shutdown that Gremlin completed on its own, without halting it", async () => {
    const shutdown = await faults.shutdown({ target: { hosts: ["web-2"] }, reboot: true });
    expect(fake.requestsTo("POST", "/v1/attacks/new")[0]!.body).toMatchObject({ command: { type: "shutdown", args: ["-d", "0", "-r"] } });
    await vi.waitFor(() => expect(fake.stagesOf(shutdown.observations.attackId)).toEqual(["Successful"]), { timeout: 2_000 });

    await shutdown.remove();
    expect(fake.requestsTo("DELETE", "/v1/attacks/")).toEqual([]);
    expect(shutdown.observations).toMatchObject({ endedBy: "length", finalStages: ["web-2: Successful"] });
    expect(shutdown.observations.haltedAfterMs).toBeUndefined();
  });

  it("refuses targets that are not opted in, before sending anything, reading the list at each attack", async () => {
    allowed = ["host:web-1"];
    const refusal = faults.cpu({ target: { hosts: ["web-1", "web-2"] }, lengthSeconds: 10 });
    await expect(refusal).rejects.toThrow(GremlinTargetRefusedError);
    await expect(refusal).rejects.toThrow(
      'refusing a Gremlin attack on host:web-2: it is not in GREMLIN_ALLOW_TARGETS (host:web-1); opt in with GREMLIN_ALLOW_TARGETS="host:web-1,host:web-2"',
    );
    allowed = [];
    await expect(faults.blackhole({ target: { hosts: ["web-1"] }, lengthSeconds: 10 })).rejects.toThrow("no target is opted in");
    await expect(faults.shutdown({ target: { containers: ["web-1"] } })).rejects.toThrow("container:web-1");
    expect(fake.requests).toEqual([]);

    allowed = ["host:web-1"];
    const handle = await faults.cpu({ target: { hosts: ["web-1"] }, lengthSeconds: 10 });
    expect(handle.observations.targets).toEqual(["host:web-1"]);
  });

  it("refuses bad parameters by field before sending anything", async () => {
    const web1 = { hosts: ["web-1"] };
    await expect(faults.cpu({ target: web1, lengthSeconds: 0 })).rejects.toThrow(new FaultParameterError("lengthSeconds", "must be a positive integer, got 0"));
    await expect(faults.cpu({ target: web1, lengthSeconds: 301 })).rejects.toThrow("invalid fault parameter: lengthSeconds must be at most 300 s, got 301");
    await expect(faults.cpu({ target: web1, lengthSeconds: 10, percent: 150 })).rejects.toThrow("invalid fault parameter: percent");
    await expect(faults.latency({ target: web1, lengthSeconds: 10, delayMs: -5 })).rejects.toThrow("invalid fault parameter: delayMs");
    await expect(faults.latency({ target: web1, lengthSeconds: 10, delayMs: 5, ports: [70_000] })).rejects.toThrow("invalid fault parameter: ports");
    await expect(faults.blackhole({ target: web1, lengthSeconds: 10, hostnames: ["a b"] })).rejects.toThrow("invalid fault parameter: hostnames");
    await expect(faults.cpu({ target: { hosts: [] }, lengthSeconds: 10 })).rejects.toThrow(
      "invalid fault parameter: target.hosts must name at least one identifier",
    );
    await expect(faults.cpu({ target: { hosts: ["web-1"], containers: ["x"] } as never, lengthSeconds: 10 })).rejects.toThrow(
      "invalid fault parameter: target must name either hosts or containers",
    );
    await expect(faults.shutdown({ target: web1, delayMinutes: -1 })).rejects.toThrow("invalid fault parameter: delayMinutes");
    expect(fake.requests).toEqual([]);
  });

  it("halts and throws when Gremlin reports the attack failed before it ran", async () => {
    const failed = faults.cpu({ target: { hosts: ["retired-host"] }, lengthSeconds: 10 });
    await expect(failed).rejects.toThrow(GremlinAttackFailedError);
    await expect(failed).rejects.toThrow(/ended in stage TargetNotFound before it ran: client retired-host is not active/);
    expect(fake.requestsTo("DELETE", "/v1/attacks/")).toHaveLength(1);
  });

  it("halts and stamps nothing when the attack is not Running in time", async () => {
    await startFake({ stageTimes: { stepMs: 10_000 } });
    faults = gremlinFaults({
      config: resolveGremlinConfig({ apiKey, teamId: TEAM, apiUrl: fake.url }),
      allowedTargets: () => allowed,
      timing: { ...FAST, runningTimeoutMs: 200 },
    });
    const late = faults.cpu({ target: { hosts: ["web-1"] }, lengthSeconds: 10 });
    await expect(late).rejects.toThrow(FaultNotInEffectError);
    await expect(late).rejects.toThrow(/to be Running did not take effect within \d+ ms: stages Pending/);
    const [attackId] = fake.attacks.keys();
    expect(fake.requestsTo("DELETE", "/v1/attacks/")).toEqual([expect.objectContaining({ path: `/v1/attacks/${attackId}` })]);
    expect(["HaltDistributed", "Halted"]).toContain(fake.stagesOf(attackId!)[0]);
  });

  it("rides out a flaky executions endpoint while watching, but reports a failed create with its status", async () => {
    const handle = faults.cpu({ target: { hosts: ["web-1"] }, lengthSeconds: 10 });
    await vi.waitFor(() => expect(fake.requestsTo("POST", "/v1/attacks/new")).toHaveLength(1));
    fake.failNext = 3;
    await expect(handle).resolves.toMatchObject({ observations: { targets: ["host:web-1"] } });
    expect(fake.requests.filter((request) => request.method === "GET").length).toBeGreaterThan(3);

    fake.failNext = 1;
    const create = faults.cpu({ target: { hosts: ["web-2"] }, lengthSeconds: 10 });
    await expect(create).rejects.toThrow(GremlinApiError);
    await expect(create).rejects.toMatchObject({ status: 503, fault: "server", retryable: true });
  });

  it("says which variable is missing when no key is set", () => {
    vi.stubEnv("GREMLIN_API_KEY", "");
    expect(() => gremlinFaults()).toThrow(GremlinConfigError);
    expect(() => gremlinFaults()).toThrow("invalid Gremlin configuration: GREMLIN_API_KEY is not set");
  });
});
