import { createFaultHandle, effectSeen, type FaultHandle, type MemoryPressureOptions } from "../../core/index.ts";
import { FaultDuration, type EndedBy } from "./fault-duration.ts";
import { PressureChild } from "./pressure-child.ts";
import { residentBytes } from "./proc-status.ts";
import { memoryMebibytes, optionalDurationMs } from "./resource-parameters.ts";

const MEBIBYTE_BYTES = 1024 * 1024;
/** Allocating and touching memory runs at roughly a GiB per second or better; this leaves room for a slow, loaded machine. */
const ALLOCATION_TIMEOUT_MS = 30_000;

/**
 * Allocates in chunks (one Buffer is capped at a few GiB) and writes one byte
 * per 4 KiB page: malloc'd memory is only resident once touched. The report
 * reads `held`, which keeps the buffers reachable for as long as the child lives.
 */
const HOLD_MEMORY_SCRIPT = `
const CHUNK_MIB = 64, PAGE_BYTES = 4096;
const mebibytes = Number(process.argv[1]);
const durationMs = process.argv[2] === "" ? undefined : Number(process.argv[2]);
const held = [];
for (let left = mebibytes; left > 0; left -= CHUNK_MIB) {
  const chunk = Buffer.allocUnsafeSlow(Math.min(CHUNK_MIB, left) * 1048576);
  for (let i = 0; i < chunk.length; i += PAGE_BYTES) chunk[i] = 1;
  held.push(chunk);
}
const finish = (reason) => {
  const heldBytes = held.reduce((sum, chunk) => sum + chunk.length, 0);
  process.stdout.write(JSON.stringify({ type: "report", reason, heldBytes }) + "\\n", () => process.exit(0));
};
process.stdin.on("end", () => finish("stopped")).on("error", () => finish("stopped")).resume();
if (durationMs !== undefined) setTimeout(() => finish("duration"), durationMs);
process.stdout.write(JSON.stringify({ type: "ready", rssBytes: process.memoryUsage().rss }) + "\\n");
`;

/** Facts of {@link memoryPressure}. */
export interface MemoryPressureObservations {
  /** PID of the process holding the memory. */
  pid: number;
  /** Its resident set once allocated, in MiB: VmRSS from /proc (the child's own count off Linux); includes Node's own ~40 MiB. */
  rssMiB: number;
  /** Milliseconds from starting the child until the memory was resident. */
  allocatedAfterMs: number;
  /** Once removed: milliseconds the memory was held, and why it ended. */
  heldMs?: number;
  endedBy?: EndedBy;
}

/**
 * Takes `mebibytes` of the machine's memory away from everything else, as a
 * leaking neighbour would: a child process allocates and touches it, and
 * injection returns only once it is resident. Removal ends the child.
 */
export async function memoryPressure(options: MemoryPressureOptions): Promise<FaultHandle> {
  const mebibytes = memoryMebibytes(options.mebibytes);
  const durationMs = optionalDurationMs(options.durationMs);
  const started = performance.now();
  const child = (
    await PressureChild.startReady(1, HOLD_MEMORY_SCRIPT, [String(mebibytes), durationMs === undefined ? "" : String(durationMs)], ALLOCATION_TIMEOUT_MS)
  )[0]!;
  const ready = await child.message("ready", 0);
  const rssBytes = (await residentBytes(child.pid)) ?? Number(ready.rssBytes);
  const heldSince = performance.now();
  const duration = new FaultDuration();
  const handle = createFaultHandle(
    { kind: "memory-pressure", cause: "overload", target: "host memory", parameters: { mebibytes, durationMs } },
    { pid: child.pid, rssMiB: Math.round(rssBytes / MEBIBYTE_BYTES), allocatedAfterMs: heldSince - started } satisfies MemoryPressureObservations,
    async () => {
      duration.disarm();
      await child.stop();
      return { heldMs: performance.now() - heldSince, endedBy: duration.endedBy } satisfies Partial<MemoryPressureObservations>;
    },
    effectSeen("the child's memory is allocated, touched and resident (VmRSS read)", heldSince),
  );
  void child.exited.then((exit) => duration.end(handle, exit.report?.reason === "duration" ? "duration" : "exited"));
  return handle;
}
