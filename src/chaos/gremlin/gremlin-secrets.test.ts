/** The API key reaches Gremlin as the Authorization header and nowhere else: not errors, logs of objects, journals or URLs. */
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { GremlinApiError, GremlinConfigError } from "./errors.ts";
import { GremlinClient } from "./gremlin-client.ts";
import { gremlinConfigFromEnv, resolveGremlinConfig } from "./gremlin-config.ts";
import { gremlinFaults } from "./gremlin-faults.ts";
import { FakeGremlinApi } from "./testing/fake-gremlin-api.ts";

const disposables: AsyncDisposable[] = [];
afterEach(async () => {
  for (const disposable of disposables.splice(0).reverse()) await disposable[Symbol.asyncDispose]();
});

function newKey(): string {
  return `gk-${randomBytes(20).toString("hex")}`;
}

/** Every way an error or object is commonly written out. */
function renderings(value: unknown): string[] {
  const error = value as Error;
  return [String(value), JSON.stringify(value) ?? "", inspect(value, { depth: 10, showHidden: true }), error?.stack ?? "", error?.message ?? ""];
}

describe("the Gremlin API key", () => {
  it("is not echoed by an error, although the API's answer quotes it", async () => {
    const fake = await FakeGremlinApi.start({ apiKey: newKey(), clients: ["web-1"] });
    disposables.push(fake);
    const wrongKey = newKey();
    const client = new GremlinClient(resolveGremlinConfig({ apiKey: wrongKey, apiUrl: fake.url }));

    const error = await client
      .createAttack({ command: { type: "cpu", args: ["-l", "10"] }, target: { type: "Exact", hosts: { ids: ["web-1"] } } })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GremlinApiError);
    expect(error).toMatchObject({ status: 401, fault: "client", retryable: false });
    // The fake did echo it: the client is what keeps it out.
    expect(fake.requests[0]!.authorization).toBe(`Key ${wrongKey}`);
    expect((error as Error).message).toContain("invalid authorization header: Key [redacted]");
    for (const text of renderings(error)) expect(text).not.toContain(wrongKey);
  });

  it("is not in a request URL, a handle, its journal-bound observations, or the provider object", async () => {
    const apiKey = newKey();
    const fake = await FakeGremlinApi.start({ apiKey, teamId: "team-1", clients: ["web-1"] });
    disposables.push(fake);
    const config = resolveGremlinConfig({ apiKey, teamId: "team-1", apiUrl: fake.url });
    const faults = gremlinFaults({ config, allowedTargets: () => ["host:web-1"], timing: { pollIntervalMs: 10 } });
    disposables.push(faults);

    const handle = await faults.cpu({ target: { hosts: ["web-1"] }, lengthSeconds: 10 });
    await handle.remove();
    for (const request of fake.requests) expect(`${request.path}?${new URLSearchParams(request.query)}`).not.toContain(apiKey);
    for (const value of [handle, handle.description, handle.observations, config, config.credentials, faults]) {
      for (const text of renderings(value)) expect(text).not.toContain(apiKey);
    }
  });

  it("is not quoted by configuration errors, which name the variable", () => {
    const apiKey = newKey();
    const bad = (env: NodeJS.ProcessEnv) => {
      try {
        gremlinConfigFromEnv(env);
      } catch (error) {
        return error;
      }
      throw new Error("expected a configuration error");
    };
    const spaced = bad({ GREMLIN_API_KEY: `Key ${apiKey}` });
    expect(spaced).toBeInstanceOf(GremlinConfigError);
    expect(spaced).toMatchObject({ field: "GREMLIN_API_KEY" });
    const url = bad({ GREMLIN_API_KEY: apiKey, GREMLIN_API_URL: `https://user:${apiKey}@api.example` });
    expect(url).toMatchObject({ field: "GREMLIN_API_URL" });
    expect(bad({ GREMLIN_API_KEY: apiKey, GREMLIN_API_URL: "ftp://api.example" })).toMatchObject({ field: "GREMLIN_API_URL" });
    for (const error of [spaced, url]) for (const text of renderings(error)) expect(text).not.toContain(apiKey);
    expect(gremlinConfigFromEnv({})).toBeUndefined();
  });
});
