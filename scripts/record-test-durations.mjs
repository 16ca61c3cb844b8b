/**
 * `npm run test:durations`: records how long each test file took in the last
 * full `npm test` (Vitest's own results cache) into
 * src/test-order/test-durations.json, which orders the files
 * longest first on a clone that has no cache yet (see duration-sequencer.ts).
 * A file whose last run failed keeps the duration recorded before: a failure's duration says little.
 *
 *   node scripts/record-test-durations.mjs
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const cacheRoot = new URL("../node_modules/.vite/vitest/", import.meta.url).pathname;
const target = new URL("../src/test-order/test-durations.json", import.meta.url).pathname;

let directories = [];
try {
  directories = readdirSync(cacheRoot);
} catch {
  // No cache yet.
}
const results = directories.flatMap((directory) => {
  try {
    return JSON.parse(readFileSync(join(cacheRoot, directory, "results.json"), "utf8")).results;
  } catch {
    return [];
  }
});
if (results.length === 0) {
  process.stderr.write("no Vitest results cache under node_modules/.vite/vitest: run `npm test` first\n");
  process.exit(1);
}
let before = {};
try {
  before = JSON.parse(readFileSync(target, "utf8"));
} catch {
  // First recording.
}
const measured = results.filter(([, result]) => !result.failed).map(([key, result]) => [key, Math.round(result.duration)]);
const kept = results.filter(([key, result]) => result.failed && before[key] !== undefined).map(([key]) => [key, before[key]]);
const durations = Object.fromEntries([...measured, ...kept].sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync(target, `${JSON.stringify(durations, null, 2)}\n`);
process.stdout.write(`recorded ${Object.keys(durations).length} test files' durations in ${target}\n`);
