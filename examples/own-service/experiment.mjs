// A user's experiment against their own service (copy-items.mjs), with chaos-control installed
// from npm: `ITEMS_UPSTREAM=http://host:port/items ITEMS=300 node experiment.mjs`. It prints the
// journal and exits 0 when the run completed, recovered within budget and lost or changed nothing.
import { afterProgress, commandSystem, dependencyAnswersWithin, fault, runExperiment, startEnvironment, throughput, writeJournal } from "chaos-control";

const items = Number(process.env.ITEMS);
const system = commandSystem({
  name: "copy-items",
  launch: { kind: "command", command: process.execPath, args: ["copy-items.mjs"] },
  dependencies: [
    { name: "postgres", protocol: "postgres", env: "DATABASE_URL" }, // a fresh database per run, behind the fault layers
    { name: "items", protocol: "http", env: "ITEMS_URL", upstream: process.env.ITEMS_UPSTREAM }, // a proxy is put in front
  ],
  progress: { kind: "sql", done: "SELECT count(*) FROM copied_item" }, // reaches workUnits when the work is done
  integrity: { kind: "sql", queries: { copied_item: "SELECT id, name FROM copied_item ORDER BY id" } }, // must equal a fault-free run's
  workUnits: items,
  sources: ["copy-items.mjs"], // a change to it reruns the golden run
});

const env = await startEnvironment("embedded");
try {
  const journal = await runExperiment(env, {
    id: "copy-items-upstream-reset",
    title: "copy-items: every connection to its upstream reset for 2 s",
    cause: "equipment-failure",
    system,
    corpus: [],
    hypothesis: [throughput({ atLeast: 0.3 }), dependencyAnswersWithin("items", 500)],
    method: [
      fault("reset the upstream", ({ dependencies }) => dependencies.toxic("items", { type: "reset_peer", stream: "upstream", attributes: { timeout: 0 } }))
        .when(afterProgress(0.2))
        .for(2_000),
    ],
    budget: { recoveryMs: 8_000 },
  });
  await writeJournal(journal, "reports/journals");
  console.log(JSON.stringify(journal));
  const recovered = journal.figures.recoveryMs !== null && journal.figures.recoveryMs <= journal.budget.recoveryMs;
  process.exitCode = journal.status === "completed" && journal.integrity?.ok && recovered ? 0 : 1;
} finally {
  await env.stop();
}
