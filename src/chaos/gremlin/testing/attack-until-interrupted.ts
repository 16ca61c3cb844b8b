// Child process for the Ctrl-C test: configured only through its environment
// (GREMLIN_API_KEY, GREMLIN_TEAM_ID, GREMLIN_API_URL, GREMLIN_ALLOW_TARGETS),
// starts a CPU attack on host web-1, reports the attack id on stdout once it
// is Running, then waits to be interrupted.
import { gremlinFaults } from "../gremlin-faults.ts";

const faults = gremlinFaults({ timing: { pollIntervalMs: 10 } });
const attack = await faults.cpu({ target: { hosts: ["web-1"] }, lengthSeconds: 120 });
process.stdout.write(`${JSON.stringify({ attackId: attack.observations.attackId })}\n`);
setInterval(() => undefined, 60_000);
