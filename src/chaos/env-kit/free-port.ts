import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** The lowest port handed out; below it sit the ports of services people run by hand. */
const LOWEST_PORT = 10_000;
/** Random ports tried before falling back to one the OS picks. */
const ATTEMPTS = 50;
/** Ports this process handed out lately, not handed out again while a server may still be starting on them. */
const recentlyGiven = new Set<number>();
const RECENT_MS = 60_000;

/**
 * A free TCP port on `host` (loopback by default) for a server about to start on it, taken below the kernel's
 * ephemeral range. A port the OS picks for `listen(0)` comes from that range, which is also where the local end of
 * every outgoing connection gets its port: between this call and the server's `listen`, a connection of the busy
 * test run could take it (EADDRINUSE, seen under load). Below the range only another caller of this function can.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const [lowest, highest] = portsBelowEphemeralRange();
  for (let attempt = 0; attempt < ATTEMPTS && highest > lowest; attempt++) {
    const port = lowest + Math.floor(Math.random() * (highest - lowest + 1));
    if (recentlyGiven.has(port)) continue;
    if ((await listenOnce(host, port)) !== undefined) return remember(port);
  }
  const port = await listenOnce(host, 0);
  if (port === undefined) throw new Error(`could not find a free port on ${host}`);
  return remember(port);
}

/** Binds `port` on `host` and lets it go at once; the bound port, or undefined when it is taken. */
function listenOnce(host: string, port: number): Promise<number | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      server.close(() => resolve(address !== null && typeof address !== "string" ? address.port : undefined));
    });
  });
}

let belowEphemeralRange: [number, number] | undefined;

/** [lowest, highest] port below the ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range; elsewhere IANA's 49152), read once. */
function portsBelowEphemeralRange(): [number, number] {
  if (belowEphemeralRange) return belowEphemeralRange;
  let ephemeralStart = 49_152;
  try {
    ephemeralStart = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || ephemeralStart;
  } catch {
    // Not Linux: the IANA range.
  }
  belowEphemeralRange = [LOWEST_PORT, ephemeralStart - 1];
  return belowEphemeralRange;
}

function remember(port: number): number {
  recentlyGiven.add(port);
  setTimeout(() => recentlyGiven.delete(port), RECENT_MS).unref();
  return port;
}
