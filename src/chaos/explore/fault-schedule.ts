/**
 * A random fault schedule: up to three faults in one pipeline run. A point
 * fault puts an explore cell's fault kind on one reach of a recorded fault
 * point (a hang holds that reach past the deadline, as in a cell); a
 * progress fault is one of the fault library's network or process faults,
 * injected once the run has committed a share of the corpus and removed a
 * while later. As JSON (what `--schedule` replays) a schedule is the array
 * of its faults.
 */
import { applicableKinds } from "./exploration-plan.ts";
import { FAULT_KINDS, type FaultKind, type FaultPoint } from "./fault-point.ts";

/** One reach of a recorded fault point gets a fault kind: `{ point: "pg COMMIT", kind: "reset", nth: 2 }`. */
export interface PointFault {
  /** The fault point's name, as the recording run lists it. */
  readonly point: string;
  readonly kind: FaultKind;
  /** Which reach of the point in the run (from 1). */
  readonly nth: number;
}

export const PROGRESS_FAULTS = ["partition", "latency", "kill"] as const;

/**
 * A network cut (connections refused and cut), a latency toxic delaying
 * every reply by {@link PROGRESS_LATENCY_MS}, or the service killed with SIGKILL
 * and started again when the fault ends.
 */
export type ProgressFaultType = (typeof PROGRESS_FAULTS)[number];

export const PROGRESS_SERVICES = ["postgres", "s3"] as const;
export type ProgressService = (typeof PROGRESS_SERVICES)[number];

/**
 * When a progress fault may start, in % of the corpus' objects committed.
 * The exploration corpus (10 objects, 2 per write transaction) moves in 20 %
 * steps, and the last step is close to the run's end: a trigger at 100 %, or
 * often at 80 %, would race the exit and never fire.
 */
export const PROGRESS_STEPS_PERCENT = [0, 20, 40, 60] as const;

/** Longest progress fault, ms: past it the run's retries (4, 2 s deadlines) are long spent. */
export const MAX_PROGRESS_FAULT_MS = 4_000;
/** Shortest progress fault, ms. */
export const MIN_PROGRESS_FAULT_MS = 100;
/** Added delay of a latency fault on every reply, ms: half the pipeline's 2 s deadlines. */
export const PROGRESS_LATENCY_MS = 1_000;

/** A fault of the environment's fault library, in effect from `atPercent` % of the objects committed for `durationMs`. */
export interface ProgressFault {
  readonly fault: ProgressFaultType;
  readonly service: ProgressService;
  readonly atPercent: number;
  readonly durationMs: number;
}

export type ScheduledFault = PointFault | ProgressFault;

/** At most this many faults in one schedule. */
export const MAX_SCHEDULED_FAULTS = 3;

/** A schedule's faults, in the order they were drawn; each point at most once, each service at most one progress fault. */
export type FaultSchedule = readonly ScheduledFault[];

export function isPointFault(fault: ScheduledFault): fault is PointFault {
  return "point" in fault;
}

/** What two faults of one schedule may not share: a point (two rules would race for its reaches) or a service's progress fault. */
export function faultSlot(fault: ScheduledFault): string {
  return isPointFault(fault) ? `point ${fault.point}` : `progress ${fault.service}`;
}

/** The schedule as the JSON `--schedule` takes (keys in a fixed order, so equal schedules print alike). */
export function scheduleJson(schedule: FaultSchedule): string {
  return JSON.stringify(
    schedule.map((fault) =>
      isPointFault(fault)
        ? { point: fault.point, kind: fault.kind, nth: fault.nth }
        : { fault: fault.fault, service: fault.service, atPercent: fault.atPercent, durationMs: fault.durationMs },
    ),
  );
}

/** A schedule in plain words, one numbered line per fault. */
export function describeSchedule(schedule: FaultSchedule, points: readonly FaultPoint[] = []): string {
  return schedule.map((fault, index) => `${index + 1}. ${describeFault(fault, points)}`).join("\n");
}

export function describeFault(fault: ScheduledFault, points: readonly FaultPoint[] = []): string {
  if (isPointFault(fault)) {
    const count = points.find((point) => point.name === fault.point)?.count;
    return `${fault.kind} at the ${ordinal(fault.nth)}${count ? ` of ${count} reaches` : " reach"} of ${fault.point}`;
  }
  const what =
    fault.fault === "kill"
      ? `${fault.service} killed (SIGKILL) and down`
      : `${fault.service} ${fault.fault === "partition" ? "partitioned" : `slowed by ${PROGRESS_LATENCY_MS} ms a reply`}`;
  return `${what} for ${fault.durationMs} ms from ${fault.atPercent} % of the objects committed`;
}

/** Reads a schedule from `--schedule` JSON; every problem names its field (`faults[1].nth`). */
export function parseSchedule(json: string): FaultSchedule {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ScheduleError("schedule", `is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_SCHEDULED_FAULTS)
    throw new ScheduleError("schedule", `must be an array of 1 to ${MAX_SCHEDULED_FAULTS} faults, got ${JSON.stringify(value)}`);
  const schedule = value.map((each: unknown, index) => parseFault(each, `faults[${index}]`));
  const slots = schedule.map(faultSlot);
  const twice = slots.findIndex((slot, index) => slots.indexOf(slot) !== index);
  if (twice >= 0) throw new ScheduleError(`faults[${twice}]`, `shares its ${slots[twice]} with an earlier fault`);
  return schedule;
}

/** Checks a schedule against the recording run's fault points: each point reached, its kind applicable, its reach within the count. */
export function checkScheduleAgainst(schedule: FaultSchedule, points: readonly FaultPoint[]): void {
  schedule.forEach((fault, index) => {
    if (!isPointFault(fault)) return;
    const point = points.find((each) => each.name === fault.point);
    if (!point)
      throw new ScheduleError(
        `faults[${index}].point`,
        `${JSON.stringify(fault.point)} is not a fault point of the recording run (${points.map((each) => each.name).join(", ")})`,
      );
    const kinds = applicableKinds(point);
    if (!kinds.includes(fault.kind)) throw new ScheduleError(`faults[${index}].kind`, `${fault.kind} does not apply to ${point.name} (${kinds.join(", ")})`);
    if (fault.nth > point.count)
      throw new ScheduleError(`faults[${index}].nth`, `must be 1..${point.count}: the recording run reached ${point.name} ${point.count} times`);
  });
}

/** A malformed schedule; `field` names the part at fault. */
export class ScheduleError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = "ScheduleError";
  }
}

function parseFault(value: unknown, field: string): ScheduledFault {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ScheduleError(field, `must be an object, got ${JSON.stringify(value)}`);
  const fault = value as Record<string, unknown>;
  if ("point" in fault) {
    only(fault, ["point", "kind", "nth"], field);
    if (typeof fault.point !== "string" || fault.point === "") throw new ScheduleError(`${field}.point`, "must be a fault point's name");
    return { point: fault.point, kind: oneOf(fault.kind, FAULT_KINDS, `${field}.kind`), nth: integer(fault.nth, 1, Number.MAX_SAFE_INTEGER, `${field}.nth`) };
  }
  only(fault, ["fault", "service", "atPercent", "durationMs"], field);
  if (!("fault" in fault)) throw new ScheduleError(field, "needs point (a fault point) or fault (a progress fault)");
  const atPercent = integer(fault.atPercent, 0, 100, `${field}.atPercent`);
  if (!(PROGRESS_STEPS_PERCENT as readonly number[]).includes(atPercent))
    throw new ScheduleError(`${field}.atPercent`, `must be one of ${PROGRESS_STEPS_PERCENT.join(", ")}`);
  return {
    fault: oneOf(fault.fault, PROGRESS_FAULTS, `${field}.fault`),
    service: oneOf(fault.service, PROGRESS_SERVICES, `${field}.service`),
    atPercent,
    durationMs: integer(fault.durationMs, MIN_PROGRESS_FAULT_MS, MAX_PROGRESS_FAULT_MS, `${field}.durationMs`),
  };
}

function only(fault: Record<string, unknown>, keys: readonly string[], field: string): void {
  const extra = Object.keys(fault).find((key) => !keys.includes(key));
  if (extra !== undefined) throw new ScheduleError(`${field}.${extra}`, `is not a field here (${keys.join(", ")})`);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value))
    throw new ScheduleError(field, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
  return value as T;
}

function integer(value: unknown, min: number, max: number, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw new ScheduleError(field, `must be an integer ${min}..${max === Number.MAX_SAFE_INTEGER ? "" : max}, got ${JSON.stringify(value)}`);
  return value;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}
