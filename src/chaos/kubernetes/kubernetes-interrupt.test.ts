import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_FAKE_OPTIONS } from "./testing/fake-cluster-kit.ts";
import { FakeKubeApi } from "./testing/fake-kube-api.ts";

const CHILD = fileURLToPath(new URL("./testing/inject-until-interrupted.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("Ctrl-C with Chaos Mesh faults in effect", () => {
  it("deletes every chaos object and waits for the finalizers before exiting", async () => {
    await using fake = await FakeKubeApi.start({ ...DEFAULT_FAKE_OPTIONS, finalizerDelayMs: 300 });
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, fake.kubeconfigPath], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once("line", resolve);
        void exited.then((code) => reject(new Error(`child exited (${code}) before reporting:\n${stderr}`)));
      });
      const { objects } = JSON.parse(line) as { objects: string[] };
      expect(objects).toEqual([expect.stringMatching(/^NetworkChaos chaos\/partition-postgres-/), expect.stringMatching(/^StressChaos chaos\/cpu-pipeline-/)]);
      expect(fake.store.list("chaos-mesh.org/v1alpha1/networkchaos")).toHaveLength(1);
      expect(fake.requestsMatching("DELETE")).toEqual([]);

      child.kill("SIGINT");
      expect(await exited).toBe(130);
      for (const object of objects) expect(fake.requestsMatching("DELETE", `/${object.split("/")[1]}`)).toHaveLength(1);
      expect(fake.store.list("chaos-mesh.org/v1alpha1/networkchaos")).toEqual([]);
      expect(fake.store.list("chaos-mesh.org/v1alpha1/stresschaos")).toEqual([]);
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);
});
