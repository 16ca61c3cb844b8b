/**
 * `npm test`: the static checks (type check, lint, format) and the Vitest run
 * at the same time. The tests spend much of their time waiting on fault
 * windows and child processes, so the checks fit in the idle CPU; they run at
 * a lower priority than the tests so that they never slow a timing-sensitive
 * scenario down. Vitest's output streams as it comes; the checks' verdicts are
 * printed at the end. Exits non-zero when either fails. Arguments go to Vitest.
 *
 *   node scripts/test.mjs [vitest args...]
 */
import { spawn } from "node:child_process";
import { setPriority } from "node:os";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
/** Nice value of the static checks: below the tests, so a check never takes a core a scenario is waiting for. */
const CHECKS_NICENESS = 10;

const checks = spawn(process.execPath, [new URL("./static-checks.mjs", import.meta.url).pathname], { stdio: ["ignore", "pipe", "pipe"] });
try {
  setPriority(checks.pid, CHECKS_NICENESS);
} catch {
  // Not allowed to lower it (some containers): the checks simply run at the tests' priority.
}
const checksOutput = [];
checks.stdout.on("data", (chunk) => checksOutput.push(chunk));
checks.stderr.on("data", (chunk) => checksOutput.push(chunk));
const checksDone = exitOf(checks);

const vitestBin = require.resolve("vitest/package.json").replace(/package\.json$/, "vitest.mjs");
const vitest = spawn(process.execPath, [vitestBin, "run", ...process.argv.slice(2)], { stdio: "inherit" });
const vitestDone = exitOf(vitest);

// Ctrl-C reaches both children through the terminal's process group; a SIGTERM sent to this process alone is passed on.
process.on("SIGINT", () => undefined);
process.on("SIGTERM", () => {
  checks.kill("SIGTERM");
  vitest.kill("SIGTERM");
});

const [checksCode, vitestCode] = await Promise.all([checksDone, vitestDone]);
process.stdout.write(`\nStatic checks (run beside the tests):\n${Buffer.concat(checksOutput).toString().trimEnd()}\n`);
if (checksCode !== 0) process.stdout.write("Static checks FAILED: see above.\n");
process.exitCode = checksCode !== 0 ? checksCode : vitestCode;

function exitOf(child) {
  return new Promise((resolve) => {
    child.once("error", (error) => {
      process.stderr.write(`${error.message}\n`);
      resolve(1);
    });
    child.once("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
