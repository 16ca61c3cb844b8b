import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { waitFor } from "../core/index.ts";

const CLI = fileURLToPath(new URL("../../../bin/chaos-control.mjs", import.meta.url));

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of listProc()) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(entry);
    } catch {
      // exited meanwhile
    }
  }
  return children;
}

function listProc(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
}

describe("Ctrl-C during the main job", () => {
  it.skipIf(process.platform !== "linux")(
    "stops PostgreSQL and S3 and removes their temporary directories",
    async () => {
      const child = spawn(process.execPath, [CLI, "pipeline", "--embedded"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "1" } });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      try {
        await waitFor(async () => /seeded \d+ objects/.test(stderr), { description: "the embedded environment to be seeded", timeoutMs: 60_000 });
        const servers = childrenOf(child.pid!);
        const dirs = servers.flatMap((pid) => {
          const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\u0000");
          return args.flatMap((arg) => /\/\S*?chaos-(pg|s3)-[^/]+/.exec(arg)?.[0] ?? []);
        });
        expect(servers.length).toBeGreaterThanOrEqual(2);
        expect(new Set(dirs).size).toBe(2);
        for (const dir of dirs) expect(existsSync(dir)).toBe(true);

        child.kill("SIGINT");
        expect(await exited).not.toBe(0);
        await waitFor(async () => servers.every((pid) => !alive(pid)), { description: "servers to exit", timeoutMs: 15_000 });
        for (const dir of dirs) expect(existsSync(dir), dir).toBe(false);
      } finally {
        child.kill("SIGKILL");
      }
    },
    90_000,
  );
});
