import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresServer } from "../embedded/index.ts";
import { failure, PostgresTestKit } from "./postgres-test-kit.ts";

let kit: PostgresTestKit;

beforeAll(async () => {
  kit = new PostgresTestKit(await PostgresServer.start());
});

afterAll(async () => {
  await kit?.stop();
});

describe("rules on connect (a session's startup)", () => {
  it("refuses only the Nth session with a FATAL ErrorResponse of the chosen SQLSTATE; the others connect", async () => {
    await using proxy = await kit.proxy();
    const rule = proxy.addRule({ type: "error", match: { kind: "connect" }, occurrence: { nth: 2 }, sqlstate: "57P03" });
    const first = await kit.client(proxy.port);
    const refused = await failure(kit.client(proxy.port));
    expect([refused.code, refused.severity]).toEqual(["57P03", "FATAL"]);
    const third = await kit.client(proxy.port);
    expect((await third.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await Promise.all([first.end(), third.end()]);
    expect(rule.observations.faulted).toMatchObject([{ occurrence: 2, kind: "connect", sqlstate: "57P03", severity: "FATAL" }]);
    expect(proxy.recording().connects).toBe(3);
  });

  it("resets the Nth session at its startup, and holds one for the given time before letting it through", async () => {
    await using proxy = await kit.proxy();
    const reset = proxy.addRule({ type: "reset", match: { kind: "connect" }, occurrence: { nth: 1 } });
    const error = await failure(kit.client(proxy.port));
    expect(error.message).toMatch(/ECONNRESET|Connection terminated/);
    expect(reset.observations.faulted).toHaveLength(1);
    await reset.remove();

    const HOLD_MS = 300;
    const hold = proxy.addRule({ type: "hold", match: { kind: "connect" }, occurrence: { nth: 1 }, delayMs: HOLD_MS });
    const started = performance.now();
    const held = await kit.client(proxy.port);
    const connectedAfterMs = performance.now() - started;
    await held.end();
    expect(connectedAfterMs).toBeGreaterThanOrEqual(HOLD_MS - 1);
    expect(hold.observations.faulted).toMatchObject([{ kind: "connect", heldMs: expect.any(Number) }]);
  });

  it("is matched only by rules naming the connect kind: a rule for every statement leaves startups alone", async () => {
    await using proxy = await kit.proxy();
    const everything = proxy.addRule({ type: "reset", match: {}, occurrence: { nth: 2 } });
    const c = await kit.client(proxy.port);
    try {
      await c.query("SELECT 1");
    } finally {
      await c.end();
    }
    expect(everything.observations.matched.map((match) => match.kind)).toEqual(["query"]);
  });
});
