import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { containerEngineAvailable, displayHost, useContainerEngine } from "./container-engine.ts";

/** An engine API that answers like Podman but holds no image. */
async function fakeEngine(socket: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === "/_ping") return void response.end("OK");
    if (request.url === "/version") return void response.end(JSON.stringify({ Version: "4.3.1", Components: [{ Name: "Podman Engine", Version: "4.3.1" }] }));
    response.writeHead(404).end(JSON.stringify({ message: "no such image" }));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return server;
}

describe("finding a container engine", () => {
  const scratch = mkdtempSync(join(tmpdir(), "engine-detect-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("gives a reason naming what it tried when DOCKER_HOST does not answer", async () => {
    const result = await containerEngineAvailable({ DOCKER_HOST: `unix://${scratch}/nothing.sock` });
    expect(result.available).toBe(false);
    expect(!result.available && result.reason).toMatch(/nothing\.sock \(DOCKER_HOST\): ENOENT/);
    expect(!result.available && result.reason).toMatch(/containers-setup\.sh/);
  });

  it("reads the setup script's state file when DOCKER_HOST is unset, and says which local images the engine lacks", async () => {
    const socket = join(scratch, "engine.sock");
    const server = await fakeEngine(socket);
    try {
      writeFileSync(
        join(scratch, "env"),
        `export DOCKER_HOST=unix://${socket}\nexport TESTCONTAINERS_RYUK_DISABLED=true\nexport CHAOS_CONTAINER_IMAGES=local\n`,
      );
      const result = await containerEngineAvailable({ CHAOS_CONTAINERS_STATE_DIR: scratch });
      expect(result.available).toBe(false);
      expect(!result.available && result.reason).toMatch(
        /^Podman Engine 4\.3\.1 at unix:\/\/.*engine\.sock lacks localhost\/chaos-control\/postgres:15, .*: build them with \.ci\/containers-setup\.sh/,
      );

      const found = await containerEngineAvailable({ CHAOS_CONTAINERS_STATE_DIR: scratch }, { checkImages: false });
      expect(found).toMatchObject({ available: true, engine: { description: "Podman Engine 4.3.1", settings: { CHAOS_CONTAINER_IMAGES: "local" } } });
      const env: NodeJS.ProcessEnv = { TESTCONTAINERS_RYUK_DISABLED: "false" };
      if (found.available) useContainerEngine(found.engine, env);
      expect(env).toEqual({ DOCKER_HOST: `unix://${socket}`, TESTCONTAINERS_RYUK_DISABLED: "false", CHAOS_CONTAINER_IMAGES: "local" });
    } finally {
      server.close();
    }
  });

  it("never shows credentials in DOCKER_HOST", () => {
    expect(displayHost("tcp://user:secret@docker.example:2375")).toBe("tcp://docker.example:2375");
  });
});
