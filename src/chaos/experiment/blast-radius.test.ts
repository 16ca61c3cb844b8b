import { afterEach, describe, expect, it, vi } from "vitest";
import { createFaultHandle, effectSeen } from "../core/index.ts";
import { ALLOW_TARGET_VARIABLE, BlastRadiusError, checkBlastRadius, DEFAULT_BLAST_RADIUS } from "./blast-radius.ts";
import { fault, type FaultAction } from "./fault-action.ts";

const LOCAL = { isLocal: true, target: "embedded (processes on this machine)" };
const STAGING = { isLocal: false, target: "kubernetes staging/chaos" };

function action(name: string, durationMs: number | null): FaultAction {
  const builder = fault(name, async () =>
    createFaultHandle({ kind: "test", cause: "overload", target: "nothing", parameters: {} }, {}, async () => undefined, effectSeen("nothing to see")),
  );
  return durationMs === null ? builder : builder.for(durationMs);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("checkBlastRadius", () => {
  it("lets any method run on the local environment without an opt-in", () => {
    expect(() => checkBlastRadius(LOCAL, [action("a", 1_000)], 60_000, DEFAULT_BLAST_RADIUS, undefined)).not.toThrow();
  });

  it(`refuses a non-local environment when ${ALLOW_TARGET_VARIABLE} is not set, and says how to opt in`, () => {
    expect(() => checkBlastRadius(STAGING, [], 60_000, DEFAULT_BLAST_RADIUS, undefined)).toThrow(
      new BlastRadiusError(
        'refusing to inject faults into kubernetes staging/chaos: it is not the local embedded environment. Opt in explicitly with CHAOS_ALLOW_TARGET="kubernetes staging/chaos"',
      ),
    );
  });

  it(`refuses a non-local environment when ${ALLOW_TARGET_VARIABLE} names another target, and shows that value`, () => {
    expect(() => checkBlastRadius(STAGING, [], 60_000, DEFAULT_BLAST_RADIUS, "kubernetes prod/chaos")).toThrow(
      /CHAOS_ALLOW_TARGET="kubernetes staging\/chaos" \(it is set to "kubernetes prod\/chaos", which names another target\)$/,
    );
    expect(() => checkBlastRadius(STAGING, [], 60_000, DEFAULT_BLAST_RADIUS, "kubernetes staging")).toThrow(BlastRadiusError);
  });

  it("accepts a non-local environment named exactly", () => {
    expect(() => checkBlastRadius(STAGING, [action("a", 1_000)], 60_000, DEFAULT_BLAST_RADIUS, "kubernetes staging/chaos")).not.toThrow();
  });

  it(`reads ${ALLOW_TARGET_VARIABLE} from the environment by default`, () => {
    vi.stubEnv(ALLOW_TARGET_VARIABLE, "kubernetes staging/chaos");
    expect(() => checkBlastRadius(STAGING, [], 60_000)).not.toThrow();
    vi.stubEnv(ALLOW_TARGET_VARIABLE, "somewhere else");
    expect(() => checkBlastRadius(STAGING, [], 60_000)).toThrow(BlastRadiusError);
    vi.stubEnv(ALLOW_TARGET_VARIABLE, undefined);
    expect(() => checkBlastRadius(STAGING, [], 60_000)).toThrow(/not the local embedded environment/);
  });

  it("refuses more faults than may be in effect at once", () => {
    const method = [action("a", 100), action("b", 100), action("c", 100), action("d", 100)];
    expect(() => checkBlastRadius(LOCAL, method, 60_000, DEFAULT_BLAST_RADIUS, undefined)).toThrow(
      new BlastRadiusError("the method has 4 faults; at most 3 may be in effect at once"),
    );
    expect(() => checkBlastRadius(LOCAL, method.slice(0, 3), 60_000, DEFAULT_BLAST_RADIUS, undefined)).not.toThrow();
  });

  it("refuses a fault planned to last longer than the limit, naming it", () => {
    const limits = { maxConcurrentFaults: 3, maxFaultDurationMs: 10_000 };
    expect(() => checkBlastRadius(LOCAL, [action("short", 10_000), action("long", 10_001)], 60_000, limits, undefined)).toThrow(
      new BlastRadiusError('fault "long" would last 10001 ms; the limit is 10000 ms'),
    );
  });

  it("counts a fault with no duration as lasting the whole time limit", () => {
    const limits = { maxConcurrentFaults: 3, maxFaultDurationMs: 10_000 };
    expect(() => checkBlastRadius(LOCAL, [action("until rollback", null)], 10_000, limits, undefined)).not.toThrow();
    expect(() => checkBlastRadius(LOCAL, [action("until rollback", null)], 10_001, limits, undefined)).toThrow(
      new BlastRadiusError('fault "until rollback" would last 10001 ms; the limit is 10000 ms'),
    );
  });

  it("holds scenarios to five minutes per fault by default", () => {
    expect(() => checkBlastRadius(LOCAL, [action("a", 5 * 60_000 + 1)], 60_000, undefined, undefined)).toThrow(/limit is 300000 ms/);
  });
});
