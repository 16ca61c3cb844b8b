import { readFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "./free-port.ts";

const ephemeralStart = (() => {
  try {
    return Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
  } catch {
    return 49_152;
  }
})();

describe("freePort", () => {
  it("gives ports below the kernel's ephemeral range, where no outgoing connection's local end can take them, and never the same twice in a row", async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    expect(ports.every((port) => port >= 10_000 && port < ephemeralStart)).toBe(true);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it("gives a port a server can listen on at once, and one an outgoing connection never holds", async () => {
    const port = await freePort();
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
    try {
      const socket = connect(port, "127.0.0.1");
      await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
      expect(socket.localPort).toBeGreaterThanOrEqual(ephemeralStart);
      socket.destroy();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
