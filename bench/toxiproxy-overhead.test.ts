// The proxy bench's real-Toxiproxy column, checked without the Go binary:
// a stand-in command that takes toxiproxy-server's flags (-host, -port) and
// runs this project's server as a separate process, as TOXIPROXY_BIN would.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatToxiproxyOverhead, runToxiproxyOverheadBench } from "./toxiproxy-overhead.ts";

const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = fileURLToPath(new URL("../src/chaos/toxiproxy/cli.ts", import.meta.url));
const TINY = { bulkBytes: 2e6, connections: 5, requestsPerConnection: 20, roundTrips: 50, rounds: 1 };

let dir: string;
let standIn: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "toxiproxy-bin-"));
  standIn = join(dir, "toxiproxy-server");
  const script = `import { runToxiproxyCommand } from ${JSON.stringify(CLI)}; process.exitCode = await runToxiproxyCommand(["--listen", process.argv[1]]);`;
  await writeFile(
    standIn,
    [
      "#!/bin/sh",
      'while [ $# -gt 0 ]; do case "$1" in -host) host=$2; shift 2;; -port) port=$2; shift 2;; *) shift;; esac; done',
      `cd ${JSON.stringify(PROJECT_ROOT)}`,
      `exec ${JSON.stringify(process.execPath)} --import tsx --input-type=module -e '${script}' "$host:$port"`,
      "",
    ].join("\n"),
  );
  await chmod(standIn, 0o755);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("toxiproxy overhead bench", () => {
  it("measures a TOXIPROXY_BIN-style server side by side and prints our/real ratios", async () => {
    const result = await runToxiproxyOverheadBench({ ...TINY, toxiproxyBin: standIn });
    expect(result.real?.version).toBe("2.12.0");
    for (const measurement of [result.direct, result.ours, result.real?.measurement]) {
      for (const figure of [measurement?.uploadMBps, measurement?.downloadMBps, measurement?.requestsPerSecond, measurement?.rttMedianUs]) {
        expect(figure).toBeGreaterThan(0);
        expect(Number.isFinite(figure)).toBe(true);
      }
    }
    // CPU per unit of work is read for both proxies (Linux /proc), never for the direct path.
    expect(Number.isNaN(result.direct.uploadCpuMsPer100MB)).toBe(true);
    expect(Number.isFinite(result.ours.requestCpuMsPer1000)).toBe(true);
    expect(Number.isFinite(result.real?.measurement.requestCpuMsPer1000)).toBe(true);
    const table = formatToxiproxyOverhead(result);
    expect(table).toContain(`real: ${standIn} (version 2.12.0)`);
    expect(table).toMatch(/^upload, 1 connection \(MB\/s\)(\s+[\d.]+x?){6}$/m);
    expect(table).toMatch(/^requests, 5 connections \(req\/s\)(\s+[\d.]+x?){6}$/m);
  }, 120_000);

  it("names TOXIPROXY_BIN when the binary cannot be started", async () => {
    const missing = join(dir, "no-such-toxiproxy-server");
    await expect(runToxiproxyOverheadBench({ ...TINY, toxiproxyBin: missing })).rejects.toThrow(`TOXIPROXY_BIN=${missing}`);
  }, 120_000);
});
