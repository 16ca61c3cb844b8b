/**
 * fast-check arbitraries of fault schedules over a recording's fault points,
 * so a schedule only names calls the pipeline really makes. They shrink
 * toward fewer faults, earlier points and kinds (plan order), the first
 * reach, the earliest progress and the shortest duration.
 */
import fc from "fast-check";
import { applicableKinds } from "./exploration-plan.ts";
import {
  faultSlot,
  MAX_PROGRESS_FAULT_MS,
  MAX_SCHEDULED_FAULTS,
  MIN_PROGRESS_FAULT_MS,
  PROGRESS_FAULTS,
  PROGRESS_SERVICES,
  PROGRESS_STEPS_PERCENT,
  type FaultSchedule,
  type PointFault,
  type ProgressFault,
  type ScheduledFault,
} from "./fault-schedule.ts";
import type { FaultPoint } from "./fault-point.ts";

/** One fault at one of `points` (any kind that applies there, any reach it had), or a progress fault. */
export function scheduledFaultArbitrary(points: readonly FaultPoint[]): fc.Arbitrary<ScheduledFault> {
  if (points.length === 0) throw new TypeError("scheduledFaultArbitrary: the recording reached no fault point");
  const atPoints = points.map((point): fc.Arbitrary<ScheduledFault> =>
    fc.record<PointFault>({ point: fc.constant(point.name), kind: fc.constantFrom(...applicableKinds(point)), nth: fc.integer({ min: 1, max: point.count }) }),
  );
  const progress: fc.Arbitrary<ScheduledFault> = fc.record<ProgressFault>({
    fault: fc.constantFrom(...PROGRESS_FAULTS),
    service: fc.constantFrom(...PROGRESS_SERVICES),
    atPercent: fc.constantFrom(...PROGRESS_STEPS_PERCENT),
    durationMs: fc.integer({ min: MIN_PROGRESS_FAULT_MS, max: MAX_PROGRESS_FAULT_MS }),
  });
  return fc.oneof(fc.oneof(...atPoints), progress);
}

/** 1 to {@link MAX_SCHEDULED_FAULTS} faults, no two sharing a point or a service's progress fault. */
export function faultScheduleArbitrary(points: readonly FaultPoint[]): fc.Arbitrary<FaultSchedule> {
  return fc.uniqueArray(scheduledFaultArbitrary(points), { minLength: 1, maxLength: MAX_SCHEDULED_FAULTS, selector: faultSlot });
}
