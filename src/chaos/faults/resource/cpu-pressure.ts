import { createFaultHandle, effectSeen, type FaultHandle, type CpuPressureOptions } from "../../core/index.ts";
import { FaultDuration, type EndedBy } from "./fault-duration.ts";
import { PressureChild } from "./pressure-child.ts";
import { cpuWorkers, optionalDurationMs } from "./resource-parameters.ts";

/** How long a worker may take to start (a Node process on a loaded machine). */
const WORKER_READY_TIMEOUT_MS = 10_000;

/**
 * Spins in slices and yields between them, so the closed stdin that means
 * "stop" is noticed within a slice even though the loop is busy. Reports its
 * own CPU time (process.cpuUsage, start-up included) as it exits.
 */
const BUSY_LOOP_SCRIPT = `
const SLICE_MS = 20;
const durationMs = process.argv[1] === "" ? Infinity : Number(process.argv[1]);
const until = performance.now() + durationMs;
let stopped = false;
process.stdin.on("end", () => { stopped = true; }).on("error", () => { stopped = true; }).resume();
const finish = (reason) => {
  const usage = process.cpuUsage();
  process.stdout.write(JSON.stringify({ type: "report", reason, cpuMs: (usage.user + usage.system) / 1000 }) + "\\n", () => process.exit(0));
};
const spin = () => {
  const sliceEnd = performance.now() + SLICE_MS;
  while (performance.now() < sliceEnd);
  if (stopped || performance.now() >= until) return finish(stopped ? "stopped" : "duration");
  setImmediate(spin);
};
process.stdout.write(JSON.stringify({ type: "ready" }) + "\\n");
spin();
`;

/** Facts of {@link cpuPressure}. */
export interface CpuPressureObservations {
  /** PIDs of the worker processes. */
  pids: number[];
  /** Once removed: CPU time (user + system) each worker reported, in milliseconds, keyed by PID. */
  cpuTimeMsByPid?: Record<number, number>;
  /** Once removed: the sum of `cpuTimeMsByPid`. */
  cpuTimeMs?: number;
  /** Once removed: wall-clock milliseconds from injection until every worker had exited. */
  ranMs?: number;
  /** Once removed: workers that exited without reporting (SIGKILLed after the grace period, or crashed). */
  unreported?: number;
  endedBy?: EndedBy;
}

/**
 * Overloads the machine's CPUs with `workers` busy-looping Node processes,
 * as a noisy neighbour would. They are separate processes so their CPU time
 * can be measured and they can be killed; they stop after `durationMs`, on
 * removal, or when this process dies.
 */
export async function cpuPressure(options: CpuPressureOptions): Promise<FaultHandle> {
  const workers = cpuWorkers(options.workers);
  const durationMs = optionalDurationMs(options.durationMs);
  const children = await PressureChild.startReady(workers, BUSY_LOOP_SCRIPT, [durationMs === undefined ? "" : String(durationMs)], WORKER_READY_TIMEOUT_MS);
  const duration = new FaultDuration();
  const handle = createFaultHandle(
    { kind: "cpu-pressure", cause: "overload", target: "host cpu", parameters: { workers, durationMs } },
    { pids: children.map((child) => child.pid) } satisfies CpuPressureObservations,
    async () => {
      duration.disarm();
      const exits = await Promise.all(children.map((child) => child.stop()));
      const cpuTimeMsByPid: Record<number, number> = {};
      exits.forEach((exit, index) => {
        if (typeof exit.report?.cpuMs === "number") cpuTimeMsByPid[children[index]!.pid] = exit.report.cpuMs;
      });
      return {
        cpuTimeMsByPid,
        cpuTimeMs: Object.values(cpuTimeMsByPid).reduce((sum, ms) => sum + ms, 0),
        ranMs: performance.now() - handle.injectedAt,
        unreported: exits.length - Object.keys(cpuTimeMsByPid).length,
        endedBy: duration.endedBy,
      } satisfies Partial<CpuPressureObservations>;
    },
    effectSeen("every worker sent ready, which it writes as it enters its busy loop"),
  );
  void Promise.all(children.map((child) => child.exited)).then((exits) =>
    duration.end(handle, exits.every((exit) => exit.report?.reason === "duration") ? "duration" : "exited"),
  );
  return handle;
}
