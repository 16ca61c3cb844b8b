import { GremlinApiError, GremlinAttackFailedError } from "./errors.ts";
import type { GremlinClient, GremlinExecution } from "./gremlin-client.ts";

/** A stage change of one execution, as seen by polling. */
export interface StageTransition {
  /** The execution's id (one per target). */
  execution: string;
  /** The Gremlin client (target) it runs on, where Gremlin says. */
  client?: string;
  stage: string;
  /** Milliseconds from the create request to the poll that learnt of this stage. */
  afterMs: number;
  /** Gremlin's own time of the stage (ISO), from the execution's `service_states`. */
  reportedAt?: string;
}

/**
 * Polls an attack's executions and keeps every stage change it sees. The
 * checks answer `true` or what is still missing, in the shape `untilEffect`
 * and `waitFor` take.
 */
export class AttackWatcher {
  readonly transitions: StageTransition[] = [];
  latest: GremlinExecution[] = [];
  /** Per execution, how many of its stages are in `transitions`. */
  private readonly recorded = new Map<string, number>();

  constructor(
    private readonly client: GremlinClient,
    readonly attackId: string,
    /** performance.now() of the create request. */
    private readonly requestedAt: number,
    /** How many executions the attack must have: one per exact target. */
    private readonly expectedExecutions: number,
  ) {}

  /** True once every target's execution is Running (or has been: a shutdown may be past it already). */
  async running(): Promise<true | string> {
    const polled = await this.pollTolerantly();
    if (typeof polled === "string") return polled;
    for (const execution of polled) {
      if (hasRun(execution)) continue;
      if (execution.stage_lifecycle === "Error" || execution.end_time)
        throw new GremlinAttackFailedError(this.attackId, execution.stage, execution.output ?? undefined);
    }
    if (polled.length < this.expectedExecutions) return `${polled.length} of ${this.expectedExecutions} executions reported`;
    const waiting = polled.filter((execution) => !hasRun(execution));
    return waiting.length === 0 ? true : `stages ${waiting.map((execution) => execution.stage).join(", ")}`;
  }

  /** True once every execution has ended (halted, finished its length, or failed). */
  async ended(): Promise<true | string> {
    const polled = await this.pollTolerantly();
    if (typeof polled === "string") return polled;
    const going = polled.filter((execution) => !hasEnded(execution));
    return going.length === 0 ? true : `still ${going.map((execution) => execution.stage).join(", ")}`;
  }

  /** `client: stage` of every execution, as last polled. */
  stages(): string[] {
    return this.latest.map((execution) => `${execution.client_id ?? execution.guid}: ${execution.stage}`);
  }

  /** A retryable API error (5xx, 429, unreachable) is one missed poll, not the end of the watch. */
  private async pollTolerantly(): Promise<GremlinExecution[] | string> {
    try {
      return await this.poll();
    } catch (error) {
      if (error instanceof GremlinApiError && error.retryable) return `last poll failed: ${error.message}`;
      throw error;
    }
  }

  /**
   * Records every stage of each execution not recorded yet: those of its
   * `service_states` history (a stage may come and go between two polls), or
   * its current stage where Gremlin gives no history.
   */
  private async poll(): Promise<GremlinExecution[]> {
    const executions = await this.client.executions(this.attackId);
    const afterMs = Math.round(performance.now() - this.requestedAt);
    for (const execution of executions) {
      const history: { stage: string; timestamp?: string }[] = [...(execution.service_states ?? [])];
      if (history.at(-1)?.stage !== execution.stage) history.push({ stage: execution.stage });
      const recorded = this.recorded.get(execution.guid) ?? 0;
      for (const state of history.slice(recorded)) {
        this.transitions.push({
          execution: execution.guid,
          ...(execution.client_id ? { client: execution.client_id } : {}),
          stage: state.stage,
          afterMs,
          ...(state.timestamp ? { reportedAt: state.timestamp } : {}),
        });
      }
      this.recorded.set(execution.guid, Math.max(recorded, history.length));
    }
    this.latest = executions;
    return executions;
  }
}

function hasRun(execution: GremlinExecution): boolean {
  return execution.stage === "Running" || (execution.service_states ?? []).some((state) => state.stage === "Running");
}

function hasEnded(execution: GremlinExecution): boolean {
  return Boolean(execution.end_time) || execution.stage_lifecycle === "Complete" || execution.stage_lifecycle === "Error";
}
