// Prints the JUnit totals as one plain line ("tests: N passed, N failed, N skipped") for CI logs.
import { readFileSync } from "node:fs";

const xml = readFileSync(process.argv[2] ?? "reports/junit.xml", "utf8");
const cases = xml.match(/<testcase\b[\s\S]*?(?:\/>|<\/testcase>)/g) ?? [];
let failed = 0;
let skipped = 0;
for (const testcase of cases) {
  if (/<(failure|error)\b/.test(testcase)) failed++;
  else if (/<skipped\b/.test(testcase)) skipped++;
}
console.log(`tests: ${cases.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
