// Prints the JUnit totals of one or more reports as one plain line ("tests: N passed, N failed, N skipped") for CI logs.
import { existsSync, readFileSync } from "node:fs";

const files = process.argv.slice(2).filter((file) => existsSync(file));
let total = 0;
let failed = 0;
let skipped = 0;
for (const file of files.length > 0 ? files : ["reports/junit.xml"]) {
  const cases = readFileSync(file, "utf8").match(/<testcase\b[\s\S]*?(?:\/>|<\/testcase>)/g) ?? [];
  total += cases.length;
  for (const testcase of cases) {
    if (/<(failure|error)\b/.test(testcase)) failed++;
    else if (/<skipped\b/.test(testcase)) skipped++;
  }
}
console.log(`tests: ${total - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
