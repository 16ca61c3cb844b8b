// Child process for the containers Ctrl-C test: starts the environment, pauses
// Postgres (a paused container cannot simply be removed), reports its
// container IDs, and waits for a signal.
import { ContainersEnvironment } from "../index.ts";

const env = await new ContainersEnvironment().start();
await env.createFaults().pause("postgres");
process.stdout.write(`${JSON.stringify(env.containerIds())}\n`);
setInterval(() => undefined, 60_000);
