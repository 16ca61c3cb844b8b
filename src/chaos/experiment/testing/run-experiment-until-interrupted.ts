// Child process for the Ctrl-C test of runExperiment: runs an experiment on
// the fake environment with a long fault, prints "injected" once the fault
// is in, and writes its journal into argv[2] if it ever gets to. Every undo
// and pipeline stop is appended to the marker file argv[3] as it happens.
import { appendFileSync } from "node:fs";
import { fault } from "../fault-action.ts";
import { writeJournal } from "../../report/index.ts";
import { runExperiment } from "../run-experiment.ts";
import { FakeEnvironment } from "../../testing/index.ts";
import { fakeDefinition } from "./fake-experiment.ts";

const [journalDirectory, marker] = process.argv.slice(2) as [string, string];
const env = new FakeEnvironment({
  pipelines: { experiment: { exit: "never", objectsPerSecond: 5 } },
  faults: { onUndo: (name) => appendFileSync(marker, `undone: ${name}\n`) },
  onPipelineEnd: (id, by) => appendFileSync(marker, `pipeline ${id} ended by ${by}\n`),
});
const injected = setInterval(() => {
  if (env.injected.length === 0) return;
  clearInterval(injected);
  process.stdout.write("injected\n");
}, 10);
const journal = await runExperiment(
  env,
  fakeDefinition({
    id: "interrupted-experiment",
    timeLimitMs: 60_000,
    method: [fault("freeze Postgres", ({ faults }) => faults.pause("postgres")).for(50_000)],
  }),
  { onJournal: async (finished) => process.stdout.write(`journal written: ${await writeJournal(finished, journalDirectory)}\n`) },
);
void journal;
