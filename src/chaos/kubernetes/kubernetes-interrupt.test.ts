import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { InterruptibleChild } from "../testing/index.ts";
import { DEFAULT_FAKE_OPTIONS } from "./testing/fake-cluster-kit.ts";
import { FakeKubeApi } from "./testing/fake-kube-api.ts";

const CHILD = fileURLToPath(new URL("./testing/inject-until-interrupted.ts", import.meta.url));

describe("Ctrl-C with Chaos Mesh faults in effect", () => {
  it("deletes every chaos object and waits for the finalizers before exiting", async () => {
    await using fake = await FakeKubeApi.start({ ...DEFAULT_FAKE_OPTIONS, finalizerDelayMs: 300 });
    await using child = new InterruptibleChild(CHILD, [fake.kubeconfigPath]);
    const { objects } = await child.report<{ objects: string[] }>();
    expect(objects).toEqual([expect.stringMatching(/^NetworkChaos chaos\/partition-postgres-/), expect.stringMatching(/^StressChaos chaos\/cpu-pipeline-/)]);
    expect(fake.store.list("chaos-mesh.org/v1alpha1/networkchaos")).toHaveLength(1);
    expect(fake.requestsMatching("DELETE")).toEqual([]);

    child.interrupt();
    expect((await child.exited).code).toBe(130);
    for (const object of objects) expect(fake.requestsMatching("DELETE", `/${object.split("/")[1]}`)).toHaveLength(1);
    expect(fake.store.list("chaos-mesh.org/v1alpha1/networkchaos")).toEqual([]);
    expect(fake.store.list("chaos-mesh.org/v1alpha1/stresschaos")).toEqual([]);
  }, 60_000);
});
