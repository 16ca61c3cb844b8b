/**
 * Validators for resource fault parameters. Each throws a
 * {@link FaultParameterError} naming the field before anything is injected,
 * and the caps are those of the machine the fault would run on.
 */
import { availableParallelism, totalmem } from "node:os";
import { FaultParameterError, nonNegative, positiveInteger } from "../../core/index.ts";

const MEBIBYTE_BYTES = 1024 * 1024;

/** A busy-loop worker count: a positive integer no larger than the CPUs this process may use. */
export function cpuWorkers(value: number, field = "workers"): number {
  positiveInteger(value, field);
  const cpus = availableParallelism();
  if (value > cpus) throw new FaultParameterError(field, `must be at most the ${cpus} available CPU(s), got ${value}`);
  return value;
}

/**
 * The largest allocation {@link memoryPressure} accepts, in MiB: half of the
 * memory this process may use (the cgroup limit when it is lower than the
 * machine's), so that the fault squeezes the system without getting the
 * test run itself OOM-killed.
 */
export function memoryCapMebibytes(): number {
  const constrained = process.constrainedMemory?.() || Number.POSITIVE_INFINITY;
  return Math.floor(Math.min(totalmem(), constrained) / 2 / MEBIBYTE_BYTES);
}

/** An allocation size in MiB: a positive integer within {@link memoryCapMebibytes}. */
export function memoryMebibytes(value: number, field = "mebibytes"): number {
  positiveInteger(value, field);
  const cap = memoryCapMebibytes();
  if (value > cap) throw new FaultParameterError(field, `must be at most ${cap} MiB (half of this machine's memory), got ${value}`);
  return value;
}

/** An optional duration in milliseconds; undefined means "until removed". */
export function optionalDurationMs(value: number | undefined, field = "durationMs"): number | undefined {
  return value === undefined ? undefined : nonNegative(value, field);
}

/** A non-negative integer, e.g. a number of connection slots. */
export function nonNegativeInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0) throw new FaultParameterError(field, `must be a non-negative integer, got ${JSON.stringify(value)}`);
  return value;
}

/** A name that must not be empty or blank, e.g. a table. */
export function nonEmptyName(value: string, field: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new FaultParameterError(field, `must be a non-empty name, got ${JSON.stringify(value)}`);
  return value;
}

/** A connection string the fault can open sessions with; its value is never echoed (it carries credentials). */
export function connectionUri(value: string, field = "connectionUri"): string {
  if (typeof value !== "string" || !/^postgres(ql)?:\/\//.test(value)) throw new FaultParameterError(field, "must be a postgres:// connection string");
  return value;
}
