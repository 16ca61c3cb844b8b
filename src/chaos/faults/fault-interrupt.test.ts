import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { waitFor } from "../env/index.ts";

const CHILD = fileURLToPath(new URL("./testing/hold-faults-until-interrupted.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("Ctrl-C with faults in effect", () => {
  it.skipIf(process.platform !== "linux")("removes every fault and stops every process it started: nothing is left frozen or running", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once("line", resolve);
        void exited.then((code) => reject(new Error(`child exited (${code}) before reporting:\n${stderr}`)));
      });
      const { pids, dirs } = JSON.parse(line) as { pids: number[]; dirs: string[] };
      expect(pids.length).toBeGreaterThanOrEqual(5);
      expect(pids.every(alive)).toBe(true);
      expect(readFileSync(`/proc/${pids[0]}/stat`, "utf8")).toMatch(/\) T /);

      child.kill("SIGINT");
      expect(await exited).toBe(130);
      await waitFor(async () => pids.every((pid) => !alive(pid)), { description: "every started process to exit", timeoutMs: 15_000 });
      for (const dir of dirs) expect(existsSync(dir), dir).toBe(false);
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);
});
