/** The fake Gremlin API's executions: one per target, whose stage follows a timeline. */

/** How fast the fake moves an execution along. */
export interface StageTimes {
  /** Between Pending, Distributed, Initializing and Running. */
  stepMs: number;
  /** From a halt request to Halted. */
  haltMs: number;
}

export interface FakeExecution {
  guid: string;
  client: string;
  targetType: "Host" | "Container";
  /** Stages with the wall-clock time (ms) each begins. */
  timeline: { stage: string; at: number }[];
}

const ERROR_STAGES = new Set(["TargetNotFound", "Failed", "ClientAborted"]);
const FINAL_STAGES = new Set(["Successful", "Halted", ...ERROR_STAGES]);

/** The stages an attack created at `now` goes through on its own. */
export function attackTimeline(now: number, times: StageTimes, lengthMs: number, clientActive: boolean): FakeExecution["timeline"] {
  if (!clientActive)
    return [
      { stage: "Pending", at: now },
      { stage: "TargetNotFound", at: now + times.stepMs },
    ];
  const running = now + 3 * times.stepMs;
  return [
    { stage: "Pending", at: now },
    { stage: "Distributed", at: now + times.stepMs },
    { stage: "Initializing", at: now + 2 * times.stepMs },
    { stage: "Running", at: running },
    { stage: "TearingDown", at: running + lengthMs },
    { stage: "Successful", at: running + lengthMs + times.stepMs },
  ];
}

/** The execution as GET /executions shows it at `now` (snake_case, as Gremlin's API answers). */
export function executionView(execution: FakeExecution, now: number) {
  const reached = execution.timeline.filter((state) => state.at <= now);
  const current = reached.at(-1)!;
  const lifecycle = ERROR_STAGES.has(current.stage)
    ? "Error"
    : FINAL_STAGES.has(current.stage)
      ? "Complete"
      : ["Running", "TearingDown", "HaltDistributed"].includes(current.stage)
        ? "Active"
        : "NotStarted";
  return {
    guid: execution.guid,
    client_id: execution.client,
    target_type: execution.targetType,
    stage: current.stage,
    stage_lifecycle: lifecycle,
    end_time: FINAL_STAGES.has(current.stage) ? new Date(current.at).toISOString() : null,
    output: current.stage === "TargetNotFound" ? `client ${execution.client} is not active` : null,
    service_states: reached.map((state) => ({ stage: state.stage, timestamp: new Date(state.at).toISOString() })),
  };
}
