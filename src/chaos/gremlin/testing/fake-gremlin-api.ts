import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { attackTimeline, executionView, type FakeExecution, type StageTimes } from "./fake-executions.ts";

/**
 * A local stand-in for Gremlin's REST API (v1), for contract tests: the
 * endpoints, auth header, `teamId` parameter and answers of the public
 * references the client cites (gremlin-client.ts). Executions go through
 * Gremlin's stages on a clock (Pending, Distributed, Initializing, Running,
 * then TearingDown and Successful at the attack's length, or Halted after a
 * halt). Unknown targets end in TargetNotFound, as an attack on a client
 * that is not active does. On a bad key it answers 401 and echoes the
 * Authorization header it got, to prove the client never passes that on.
 */
export interface FakeGremlinOptions {
  apiKey: string;
  /** When set, every call must carry `teamId=<this>`. */
  teamId?: string;
  /** Gremlin clients (hosts and containers) that are active. */
  clients: readonly string[];
  stageTimes?: Partial<StageTimes>;
}

/** A request as the fake received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
}

interface FakeAttack {
  id: string;
  command: { type: string; args: string[] };
  executions: FakeExecution[];
}

export class FakeGremlinApi implements AsyncDisposable {
  readonly requests: RecordedRequest[] = [];
  readonly attacks = new Map<string, FakeAttack>();
  /** Answer the next this many calls with 503, as a flaky API would. */
  failNext = 0;
  private readonly times: StageTimes;

  private constructor(
    private readonly server: Server,
    private readonly options: FakeGremlinOptions,
  ) {
    this.times = { stepMs: 30, haltMs: 60, ...options.stageTimes };
  }

  static async start(options: FakeGremlinOptions): Promise<FakeGremlinApi> {
    let fake: FakeGremlinApi;
    const server = createServer(
      (request, response) => void fake.handle(request, response).catch((error: unknown) => send(response, 500, { message: String(error) })),
    );
    fake = new FakeGremlinApi(server, options);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  /** Base URL, as GREMLIN_API_URL takes it. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  requestsTo(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path.startsWith(pathPrefix));
  }

  /** The stage each execution of the attack is in now. */
  stagesOf(attackId: string): string[] {
    return (this.attacks.get(attackId)?.executions ?? []).map((execution) => executionView(execution, Date.now()).stage);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://fake");
    const body = await readJson(request);
    const recorded: RecordedRequest = {
      method: request.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization,
      body,
    };
    this.requests.push(recorded);
    if (this.failNext > 0) {
      this.failNext--;
      return send(response, 503, { message: "service unavailable" });
    }
    if (recorded.authorization !== `Key ${this.options.apiKey}`)
      return send(response, 401, { message: `invalid authorization header: ${recorded.authorization ?? "(none)"}` });
    if (this.options.teamId !== undefined && recorded.query.teamId !== this.options.teamId)
      return send(response, 400, { message: "teamId is required and must name your team" });

    const attackPath = /^\/v1\/attacks\/([\w-]+)$/.exec(url.pathname);
    if (request.method === "POST" && url.pathname === "/v1/attacks/new") return this.create(body, response);
    if (request.method === "GET" && url.pathname === "/v1/executions") return this.executions(recorded.query.taskId, response);
    if (request.method === "DELETE" && attackPath) return this.halt(attackPath[1]!, response);
    send(response, 404, { message: `no route ${request.method} ${url.pathname}` });
  }

  private create(body: unknown, response: ServerResponse): void {
    const problem = invalidAttack(body);
    if (problem) return send(response, 400, { message: problem });
    const { command, target } = body as { command: FakeAttack["command"]; target: { hosts?: { ids: string[] }; containers?: { ids: string[] } } };
    const ids = target.hosts?.ids ?? target.containers?.ids ?? [];
    const id = randomUUID();
    const now = Date.now();
    const lengthMs = command.type === "shutdown" ? this.times.stepMs : Number(command.args[command.args.indexOf("-l") + 1]) * 1000;
    const executions = ids.map((client): FakeExecution => ({
      guid: randomUUID(),
      client,
      targetType: target.hosts ? "Host" : "Container",
      timeline: attackTimeline(now, this.times, lengthMs, this.options.clients.includes(client)),
    }));
    this.attacks.set(id, { id, command, executions });
    response.writeHead(201, { "content-type": "text/plain" });
    response.end(id);
  }

  private executions(taskId: string | undefined, response: ServerResponse): void {
    const attack = taskId ? this.attacks.get(taskId) : undefined;
    if (!attack) return send(response, 200, []);
    send(
      response,
      200,
      attack.executions.map((execution) => executionView(execution, Date.now())),
    );
  }

  private halt(attackId: string, response: ServerResponse): void {
    const attack = this.attacks.get(attackId);
    if (!attack) return send(response, 404, { message: `no attack ${attackId}` });
    const now = Date.now();
    for (const execution of attack.executions) {
      if (executionView(execution, now).end_time) continue;
      execution.timeline = [
        ...execution.timeline.filter((state) => state.at <= now),
        { stage: "HaltDistributed", at: now },
        { stage: "Halted", at: now + this.times.haltMs },
      ];
    }
    response.writeHead(200).end();
  }
}

function invalidAttack(body: unknown): string | undefined {
  const attack = body as
    { command?: { type?: unknown; args?: unknown }; target?: { type?: unknown; hosts?: { ids?: unknown }; containers?: { ids?: unknown } } } | undefined;
  if (typeof attack?.command?.type !== "string") return "command.type is required";
  if (!Array.isArray(attack.command.args) || !attack.command.args.every((arg) => typeof arg === "string")) return "command.args must be a list of strings";
  if (attack.command.type !== "shutdown" && !attack.command.args.includes("-l")) return "command.args must give a length (-l)";
  if (attack.target?.type !== "Exact") return "this fake only knows Exact targets";
  const ids = attack.target.hosts?.ids ?? attack.target.containers?.ids;
  if (!Array.isArray(ids) || ids.length === 0) return "target.hosts.ids or target.containers.ids is required";
  return undefined;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
