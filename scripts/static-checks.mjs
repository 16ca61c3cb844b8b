/**
 * The static checks `npm test` runs before the tests: type check, lint with
 * the import rules, formatting. They are independent, so they run at the same
 * time (each is single-threaded) and each one's output is printed whole under
 * its name once it ends. Exits non-zero when any check fails.
 *
 *   node scripts/static-checks.mjs
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Each check: its name and the package bin it runs, with arguments. */
const CHECKS = [
  { name: "tsc --noEmit", bin: ["typescript", "bin/tsc"], args: ["--noEmit"] },
  { name: "eslint .", bin: ["eslint", "bin/eslint.js"], args: ["."] },
  { name: "prettier --check .", bin: ["prettier", "bin/prettier.cjs"], args: ["--check", ".", "--log-level", "warn"] },
];

function binPath([pkg, file]) {
  return require.resolve(`${pkg}/package.json`).replace(/package\.json$/, file);
}

function run(check) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath(check.bin), ...check.args], { stdio: ["ignore", "pipe", "pipe"] });
    const output = [];
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
    child.on("error", (error) => resolve({ check, code: 1, output: `${error.message}\n`, seconds: 0 }));
    child.on("close", (code, signal) =>
      resolve({ check, code: code ?? (signal ? 1 : 0), output: Buffer.concat(output).toString(), seconds: (performance.now() - started) / 1000 }),
    );
    // Ctrl-C reaches the children through the process group; nothing else to stop.
  });
}

const results = await Promise.all(CHECKS.map(run));
let failed = 0;
for (const { check, code, output, seconds } of results) {
  const verdict = code === 0 ? "ok" : `FAILED (exit ${code})`;
  process.stdout.write(`${check.name}: ${verdict} in ${seconds.toFixed(1)} s\n`);
  if (output.trim()) process.stdout.write(`${output.trimEnd()}\n`);
  if (code !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
