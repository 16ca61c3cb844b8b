/**
 * Against Gremlin itself: runs only with GREMLIN_API_KEY (and GREMLIN_TEAM_ID
 * for a company-wide key) set, GREMLIN_LIVE_TARGET naming the identifier of an
 * active host running Gremlin's agent, and that host opted in with
 * GREMLIN_ALLOW_TARGETS=host:<identifier>. Otherwise it is skipped and says why.
 */
import { describe, expect, it } from "vitest";
import { gremlinConfigFromEnv } from "./gremlin-config.ts";
import { gremlinFaults } from "./gremlin-faults.ts";

const config = gremlinConfigFromEnv();
const host = process.env.GREMLIN_LIVE_TARGET?.trim();
const skipReason = !config
  ? "skipped: GREMLIN_API_KEY is not set; set it (with GREMLIN_TEAM_ID, GREMLIN_LIVE_TARGET and GREMLIN_ALLOW_TARGETS) to attack a real Gremlin client"
  : !host
    ? "skipped: GREMLIN_LIVE_TARGET is not set; name an active Gremlin host identifier (opted in with GREMLIN_ALLOW_TARGETS=host:<it>)"
    : undefined;

describe.skipIf(skipReason !== undefined)(skipReason ?? `Gremlin attacks on host ${host}`, () => {
  it("runs a one-core CPU attack, sees it Running, halts it and sees it end", async () => {
    await using faults = gremlinFaults({ config });
    const attack = await faults.cpu({ target: { hosts: [host!] }, lengthSeconds: 60, cores: 1, percent: 50 });
    expect(attack.observations.transitions.at(-1)?.stage).toBe("Running");
    await attack.remove();
    expect(attack.observations.endedBy).toBe("halted");
    expect(attack.observations.finalStages).toEqual([expect.stringMatching(/Halt/)]);
  }, 240_000);
});
