import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { InterruptibleChild } from "../testing/index.ts";
import { waitFor } from "../core/index.ts";

const CHILD = fileURLToPath(new URL("./testing/hold-faults-until-interrupted.ts", import.meta.url));

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("Ctrl-C with faults in effect", () => {
  it.skipIf(process.platform !== "linux")(
    "removes every fault and stops every process it started: nothing is left frozen or running",
    async () => {
      await using child = new InterruptibleChild(CHILD);
      const { pids, dirs } = await child.report<{ pids: number[]; dirs: string[] }>();
      expect(pids.length).toBeGreaterThanOrEqual(5);
      expect(pids.every(alive)).toBe(true);
      expect(readFileSync(`/proc/${pids[0]}/stat`, "utf8")).toMatch(/\) T /);

      child.interrupt();
      expect((await child.exited).code).toBe(130);
      await waitFor(async () => pids.every((pid) => !alive(pid)), { description: "every started process to exit", timeoutMs: 15_000 });
      for (const dir of dirs) expect(existsSync(dir), dir).toBe(false);
    },
    60_000,
  );
});
