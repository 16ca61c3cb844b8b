// Child process for the Ctrl-C test: starts the external environment from CHAOS_EXTERNAL_* (its user's Toxiproxy),
// puts a database and an object into the stack, injects faults on both proxies and a Postgres rule, reports, waits.
import { ExternalEnvironment } from "../index.ts";

const env = await new ExternalEnvironment().start();
const database = await env.createDatabase("interrupted");
await env.seed([{ key: "corpus-interrupted/songs/1.mid", body: new Uint8Array([1]) }]);
const faults = env.createFaults();
await faults.toxic("postgres", { type: "latency", stream: "downstream", attributes: { latency: 1_000 } });
await faults.partition("s3");
await faults.postgres({ type: "error", match: { pattern: /^SELECT/ }, sqlstate: "40001" });
process.stdout.write(`${JSON.stringify({ database: database.name })}\n`);
setInterval(() => undefined, 60_000);
