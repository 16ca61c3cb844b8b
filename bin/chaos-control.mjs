#!/usr/bin/env node
// The command-line entry. In a checkout it loads the TypeScript sources through
// tsx, so the project runs as it is checked out, with no build step; in the
// installed package (and its dist/bin copy, which the pipeline's child process
// starts) it runs the compiled JavaScript of dist/.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
let entry = source;
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
} else {
  entry = [new URL("../src/cli/main.js", import.meta.url), new URL("../dist/src/cli/main.js", import.meta.url)].find((url) => existsSync(url));
  if (entry === undefined) {
    process.stderr.write("chaos-control: neither src/cli/main.ts nor the compiled dist/ is next to this file; run npm run build\n");
    process.exit(2);
  }
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
process.exit(code);
