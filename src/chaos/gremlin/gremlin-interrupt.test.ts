import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { InterruptibleChild } from "../testing/index.ts";
import { FakeGremlinApi } from "./testing/fake-gremlin-api.ts";

const CHILD = fileURLToPath(new URL("./testing/attack-until-interrupted.ts", import.meta.url));

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("Ctrl-C with a Gremlin attack running", () => {
  it("halts the attack before exiting; the key reached the child through its environment, not its command line", async () => {
    const apiKey = `gk-${randomBytes(20).toString("hex")}`;
    await using fake = await FakeGremlinApi.start({ apiKey, teamId: "team-1", clients: ["web-1"] });
    vi.stubEnv("GREMLIN_API_KEY", apiKey);
    vi.stubEnv("GREMLIN_TEAM_ID", "team-1");
    vi.stubEnv("GREMLIN_API_URL", fake.url);
    vi.stubEnv("GREMLIN_ALLOW_TARGETS", "host:web-1");
    await using child = new InterruptibleChild(CHILD);
    const { attackId } = await child.report<{ attackId: string }>();
    expect(fake.stagesOf(attackId)).toEqual(["Running"]);
    expect(fake.requestsTo("DELETE", "/v1/attacks/")).toEqual([]);
    const commandLine = (await readFile(`/proc/${child.pid}/cmdline`, "utf8")).split("\0").join(" ");
    expect(commandLine).toContain("attack-until-interrupted.ts");
    expect(commandLine).not.toContain(apiKey);

    child.interrupt();
    expect((await child.exited).code).toBe(130);
    expect(fake.requestsTo("DELETE", "/v1/attacks/")).toEqual([expect.objectContaining({ path: `/v1/attacks/${attackId}`, query: { teamId: "team-1" } })]);
    expect(fake.stagesOf(attackId)).toEqual(["Halted"]);
    expect(child.stdout + child.stderr).not.toContain(apiKey);
  }, 60_000);
});
