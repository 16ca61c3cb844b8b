#!/usr/bin/env node
// The command-line entry: loads the TypeScript sources through tsx, so the
// project runs as it is checked out, with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
const code = await main(process.argv.slice(2));
process.exit(code);
