import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ToxiproxyApi } from "../../toxiproxy/index.ts";
import { FaultNotInEffectError } from "../../core/index.ts";
import { partition } from "./network-faults.ts";

/** How late the stand-in proxy goes down after its API has answered, as a port forwarder in front of a container may be. */
const LATE_MS = 150;

/** A TCP listener standing in for a proxy, and an API whose "disable" answers at once but takes effect `lateMs` later (or never). */
async function lateProxy(lateMs: number | undefined) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const downSince: { at?: number } = {};
  const api = {
    async disableProxy() {
      if (lateMs !== undefined)
        setTimeout(() => {
          server.close();
          for (const socket of sockets) socket.destroy();
          downSince.at = performance.now();
        }, lateMs);
      return { remove: async () => undefined, [Symbol.asyncDispose]: async () => undefined };
    },
    async getProxy() {
      return { name: "late", listen: `127.0.0.1:${port}`, upstream: "127.0.0.1:1", enabled: false, toxics: [] };
    },
  } as unknown as ToxiproxyApi;
  return {
    api,
    address: { host: "127.0.0.1", port },
    downSince,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
  });
}

describe("a partition's injected time", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });

  it("is stamped once the port refuses, not when the API answered", async () => {
    const proxy = await lateProxy(LATE_MS);
    cleanups.push(proxy.close);
    const requested = performance.now();
    const fault = await partition(proxy.api, "late", proxy.address);
    expect(await connectOutcome(proxy.address.port)).toBe("ECONNREFUSED");
    expect(proxy.downSince.at).toBeDefined();
    expect(fault.injectedAt).toBeGreaterThanOrEqual(proxy.downSince.at!);
    expect(fault.injectedAt - requested).toBeGreaterThanOrEqual(LATE_MS);
    expect(fault.observations.refusedAfterMs).toBeGreaterThanOrEqual(LATE_MS);
    await fault.remove();
  });

  it("fails, naming the proxy, when the port never stops accepting", async () => {
    const proxy = await lateProxy(undefined);
    cleanups.push(proxy.close);
    const error = await partition(proxy.api, "stuck", proxy.address).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FaultNotInEffectError);
    expect((error as Error).message).toMatch(/partition of proxy stuck did not take effect within \d+ ms: a connection opened before it is still open/);
  }, 15_000);
});
