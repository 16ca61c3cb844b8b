// Every benchmark in one run, each printing its own measured ratios:
// parse speed vs python3-mido, LSH vs exact (time, recall, memory), pipeline
// writes vs a raw COPY, and the Toxiproxy-compatible server vs a direct path.
//   node --import tsx bench/run-all.ts            (npm run bench)
import { formatMidiParseBench, runMidiParseBench } from "./midi-parse.ts";
import { runSimilarityBench } from "./similarity.ts";
import { formatToxiproxyOverhead, runToxiproxyOverheadBench } from "./toxiproxy-overhead.ts";
import { formatWriteThroughput, measureWriteThroughput } from "./write-throughput.ts";

const section = (title: string) => console.log(`\n== ${title} ${"=".repeat(Math.max(0, 70 - title.length))}`);

section("instrument step: files parsed per second vs python3-mido");
console.log(formatMidiParseBench(await runMidiParseBench()));

section("similarity: LSH vs exact, recall, memory while streaming");
runSimilarityBench({ streamSeconds: 10 });

section("store: rows per second vs a raw COPY");
console.log(formatWriteThroughput(await measureWriteThroughput()));

section("toxiproxy: upload, download, request rate and latency through the proxy vs direct");
console.log(formatToxiproxyOverhead(await runToxiproxyOverheadBench()));
