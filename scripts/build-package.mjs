// Builds what the npm package ships (`npm pack` runs it as `prepack`): the
// TypeScript sources compiled to dist/ with their .d.ts files, and next to
// them the files the compiled code reads relative to itself.
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = `${root}dist/`;
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", `${root}tsconfig.build.json`], { stdio: "inherit" });

/** Files read through `new URL(…, import.meta.url)`: the same relative place under dist/. */
const ASSETS = [
  "bin/chaos-control.mjs", // the pipeline's child process starts the CLI from ../../../bin
  "src/chaos/embedded/s3rver-main.mjs",
  "fixtures/corrupt/files",
  "schemas",
];
for (const asset of ASSETS) cpSync(`${root}${asset}`, `${dist}${asset}`, { recursive: true });
