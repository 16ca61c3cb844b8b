import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandProbe } from "./command-probe.ts";
import { sampleOnce } from "./testing/probe-context.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "command-probe-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Whether `pid` is a live process (a zombie awaiting its reaper counts as gone: it was killed). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("commandProbe", () => {
  it("records the exit code and accepts 0 by default", async () => {
    expect(await sampleOnce(commandProbe({ name: "true", argv: ["true"] }))).toMatchObject({ value: 0, ok: true });
    expect(await sampleOnce(commandProbe({ name: "false", argv: ["false"] }))).toMatchObject({ value: 1, ok: false });
    expect(await sampleOnce(commandProbe({ name: "exit 3", argv: [process.execPath, "-e", "process.exit(3)"], exitCodes: [0, 3] }))).toMatchObject({
      value: 3,
      ok: true,
    });
  });

  it("runs without a shell: an argument is never interpreted", async () => {
    const marker = join(dir, "injected");
    const sample = await sampleOnce(commandProbe({ name: "echo", argv: ["echo", `; touch ${marker}`] }));
    expect(sample).toMatchObject({ value: 0, ok: true });
    await expect(readFile(marker)).rejects.toThrow("ENOENT");
  });

  it("passes secrets through env, naming only the variables in its tolerance", async () => {
    const probe = commandProbe({ name: "token check", argv: ["sh", "-c", 'test "$API_TOKEN" = s3cret'], env: { API_TOKEN: "s3cret" } });
    expect(await sampleOnce(probe)).toMatchObject({ value: 0, ok: true });
    expect(
      await sampleOnce(commandProbe({ name: "token check", argv: ["sh", "-c", 'test "$API_TOKEN" = s3cret'], env: { API_TOKEN: "wrong" } })),
    ).toMatchObject({ value: 1, ok: false });
    const { tolerance } = probe.declaration({ baselineThroughput: 0 });
    expect(tolerance).toBe('sh -c test "$API_TOKEN" = s3cret (with API_TOKEN set) exits with 0 within 5000 ms');
  });

  it("kills a command still running at its timeout, and what it started, recording a failed sample", async () => {
    const pidFile = join(dir, "pids");
    const started = performance.now();
    const sample = await sampleOnce(commandProbe({ name: "hangs", argv: ["sh", "-c", `sleep 30 & echo $$ $! > ${pidFile}; wait`], timeoutMs: 300 }));
    expect(sample).toMatchObject({ value: null, ok: false, error: "sh did not exit within 300 ms; killed" });
    expect(performance.now() - started).toBeLessThan(1_500);
    const pids = (await readFile(pidFile, "utf8")).trim().split(" ").map(Number);
    expect(pids).toHaveLength(2);
    for (let i = 0; i < 20 && pids.some(alive); i++) await sleep(25);
    expect(pids.filter(alive), "the shell and its sleep are gone").toEqual([]);
  });

  it("records a program that cannot be started", async () => {
    expect(await sampleOnce(commandProbe({ name: "missing", argv: ["/nonexistent/health-check"] }))).toMatchObject({
      value: null,
      ok: false,
      error: "/nonexistent/health-check could not be started: spawn /nonexistent/health-check ENOENT",
    });
  });

  it("refuses a bad declaration with an error naming the field", () => {
    expect(() => commandProbe({ name: "c", argv: [] })).toThrow('commandProbe "c": argv must be a non-empty array of strings');
    expect(() => commandProbe({ name: "c", argv: "curl -f http://x" as never })).toThrow('commandProbe "c": argv must be a non-empty array');
    expect(() => commandProbe({ name: "c", argv: ["true"], exitCodes: [256] })).toThrow('commandProbe "c": exitCodes must list exit codes 0-255');
  });
});
