// Child process for the Ctrl-C test: starts an environment, injects faults of
// every kind that leaves something running, reports what to look for, waits.
import { EmbeddedEnvironment } from "../index.ts";
import { descendantPids } from "../../env-kit/index.ts";
import { FaultInjector } from "../fault-injector.ts";

const env = await new EmbeddedEnvironment().start();
const faults = new FaultInjector(env);
await faults.exhaustConnections({ reserve: 2 });
const cpu = await faults.cpuPressure({ workers: 1 });
const memory = await faults.memoryPressure({ mebibytes: 32 });
await faults.toxic("postgres", { type: "timeout", stream: "downstream", attributes: { timeout: 0 } });
await faults.pause("postgres");
const postgres = env.postgres.pid!;
process.stdout.write(
  `${JSON.stringify({
    pids: [postgres, ...descendantPids(postgres), env.s3.pid, ...(cpu.observations.pids as number[]), memory.observations.pid],
    dirs: [env.postgres.dataDir.replace(/\/data$/, "")],
  })}\n`,
);
setInterval(() => undefined, 60_000);
