import { connect } from "node:net";
import type { Probe } from "./probe.ts";

/** Name of a {@link dependencyAnswersWithin} probe, as its samples carry it in the journal. */
export function dependencyLatencyProbe(dependency: string): string {
  return `${dependency} latency`;
}

/**
 * One round trip to the system under test's own `dependency`, on the
 * system's path (through the environment's proxy), answers within
 * `withinMs`: a GET of its URL read to the last byte (http), or a TCP
 * connect (tcp). The value is the round trip in ms; no answer within twice
 * the tolerance (at least 1 s) is a failed sample.
 */
export function dependencyAnswersWithin(dependency: string, withinMs: number): Probe {
  if (!(withinMs > 0)) throw new Error(`dependencyAnswersWithin "${dependency}": withinMs must be a positive number of milliseconds, got ${withinMs}`);
  const name = dependencyLatencyProbe(dependency);
  // Long enough to measure how late a slow dependency is, not only that it is late.
  const timeoutMs = Math.max(withinMs * 2, 1_000);
  return {
    name,
    unit: "ms",
    whilePipelineRuns: false,
    declaration: () => ({ name, unit: "ms", role: "hypothesis", tolerance: `answers within ${withinMs} ms` }),
    measure: async ({ system }) => {
      const address = system?.addressOf(dependency);
      if (address === undefined) throw new Error(`the system under test has no http or tcp dependency named "${dependency}"`);
      const started = performance.now();
      if (/^https?:/.test(address)) await (await fetch(address, { signal: AbortSignal.timeout(timeoutMs) })).arrayBuffer();
      else await tcpConnect(address, timeoutMs);
      return performance.now() - started;
    },
    accepts: (value) => value <= withinMs,
  };
}

function tcpConnect(address: string, timeoutMs: number): Promise<void> {
  const separator = address.lastIndexOf(":");
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.slice(0, separator), port: Number(address.slice(separator + 1)), timeout: timeoutMs });
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
    socket.once("timeout", () => socket.destroy(new Error(`no connection to ${address} within ${timeoutMs} ms`)));
    socket.once("error", reject);
  });
}
