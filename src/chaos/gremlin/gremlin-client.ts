import { GremlinApiError } from "./errors.ts";
import type { GremlinConfig } from "./gremlin-config.ts";

/*
 * The three calls of Gremlin's REST API (v1) this provider makes, as Gremlin's
 * public references describe them:
 * - auth: `Authorization: Key <key>` for API keys,
 *   https://www.gremlin.com/docs/api-reference/api-keys/ ; `teamId` as a query
 *   parameter, https://www.gremlin.com/docs/api-reference/examples/ ;
 * - create: POST /attacks/new with `{ command, target }`, answered 201 with the
 *   attack's id as plain text, https://www.gremlin.com/docs/api-reference/examples/
 *   ("Creating Attacks") and Gremlin's Python client
 *   (https://github.com/gremlin/gremlin-python, gremlinapi/attacks.py);
 * - watch: GET /executions?taskId=<attack id>, one execution per target with its
 *   `stage`, `stage_lifecycle`, `end_time`, `output` and the `service_states`
 *   history, https://www.gremlin.com/docs/viewing-experiment-execution-details ;
 * - halt: DELETE /attacks/<attack id>, gremlin-python's examples/attacks.md
 *   ("Halt Attack") and Spinnaker's Gremlin stage (spinnaker/orca, GremlinService).
 */

/** One target's run of an attack, as GET /executions reports it. */
export interface GremlinExecution {
  guid: string;
  /** e.g. Pending, Distributed, Initializing, Running, TearingDown, Successful, Halted, Failed. */
  stage: string;
  /** NotStarted, Active, Complete or Error. */
  stage_lifecycle?: string;
  /** Set once this execution has ended (ISO time). */
  end_time?: string | null;
  output?: string | null;
  client_id?: string;
  target_type?: string;
  /** Every stage this execution went through, with Gremlin's timestamps. */
  service_states?: { stage: string; timestamp: string }[];
}

/** What to attack with, as POST /attacks/new takes it. */
export interface GremlinAttackRequest {
  command: { type: string; args: string[] };
  target: { type: "Exact"; hosts: { ids: string[] } } | { type: "Exact"; containers: { ids: string[] } };
}

/** Bound on each request, so a hung API cannot hold a rollback forever. */
export const REQUEST_TIMEOUT_MS = 10_000;
const DETAIL_LIMIT = 500;

/** A thin typed client of the attack endpoints; the key only ever leaves in the Authorization header. */
export class GremlinClient {
  constructor(private readonly config: GremlinConfig) {}

  get teamId(): string | undefined {
    return this.config.teamId;
  }

  /** Creates the attack and returns its id. */
  async createAttack(request: GremlinAttackRequest): Promise<string> {
    const text = await this.call(`create ${request.command.type} attack`, "POST", "/attacks/new", {}, request);
    const id = text.trim().replace(/^"|"$/g, "");
    if (!/^[\w-]+$/.test(id))
      throw new GremlinApiError(
        `create ${request.command.type} attack`,
        200,
        `expected the attack id as text, got ${JSON.stringify(this.config.credentials.redact(text.slice(0, 80)))}`,
      );
    return id;
  }

  /** Every execution of the attack so far (none until Gremlin has picked its targets). */
  async executions(attackId: string): Promise<GremlinExecution[]> {
    const operation = `read executions of attack ${attackId}`;
    const text = await this.call(operation, "GET", "/executions", { taskId: attackId });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new GremlinApiError(operation, 200, "the answer is not JSON");
    }
    if (!Array.isArray(body) || !body.every((item) => typeof item === "object" && item !== null && typeof (item as GremlinExecution).stage === "string")) {
      throw new GremlinApiError(operation, 200, "expected a list of executions, each with a stage");
    }
    return body as GremlinExecution[];
  }

  /** Halts the attack (all its executions). */
  async haltAttack(attackId: string): Promise<void> {
    await this.call(`halt attack ${attackId}`, "DELETE", `/attacks/${encodeURIComponent(attackId)}`, {});
  }

  private async call(operation: string, method: string, path: string, query: Record<string, string>, body?: unknown): Promise<string> {
    const url = new URL(this.config.apiUrl + path);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    if (this.config.teamId) url.searchParams.set("teamId", this.config.teamId);
    const { redact } = this.config.credentials;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: this.config.credentials.authorization(),
          accept: "application/json, text/plain",
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new GremlinApiError(operation, 0, redact(describeFetchError(error)));
    }
    const text = await response.text().catch(() => "");
    if (!response.ok) throw new GremlinApiError(operation, response.status, redact(text.slice(0, DETAIL_LIMIT)) || response.statusText);
    return text;
  }
}

/** "fetch failed: ECONNREFUSED" rather than undici's bare "fetch failed"; no cause object is kept (it holds the request). */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${error.message}: ${detail}` : error.message;
}
