/**
 * The node:http side of the API: reads bodies, runs one request at a time
 * (Toxiproxy holds locks for the same reason: a toxic change must finish on
 * every open connection before the next change starts), and writes replies
 * and errors in Toxiproxy's shapes.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { badRequestBody, ToxiproxyApiError } from "./errors.ts";
import { matchRoute, toxiproxyRoutes, type ApiReply } from "./api-routes.ts";
import type { ProxyCollection } from "./proxy-collection.ts";

/** Bodies larger than this are refused (413); a populate of thousands of proxies fits. */
const MAX_BODY_BYTES = 1024 * 1024;

export function createToxiproxyHandler(proxies: ProxyCollection): RequestListener {
  const routes = toxiproxyRoutes(proxies);
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => {});
    return result;
  };

  return (request, response) => {
    void (async () => {
      // Toxiproxy refuses browsers, so a web page cannot drive it from a developer's machine.
      if ((request.headers["user-agent"] ?? "").startsWith("Mozilla/")) {
        return send(response, { status: 403, text: "User agent not allowed\n" });
      }
      const url = new URL(request.url ?? "/", "http://toxiproxy");
      const segments = url.pathname.split("/").slice(1).map(decodeSegment);
      const match = matchRoute(routes, request.method ?? "GET", segments);
      if (match === 404) return send(response, { status: 404, text: "404 page not found\n" });
      if (match === 405) return send(response, { status: 405, text: "" });
      const raw = await readBody(request);
      const reply = await serially(() => match.handler(match.params, () => parseJson(raw)));
      send(response, reply);
    })().catch((error: unknown) => sendError(response, error));
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ToxiproxyApiError(`request body larger than ${MAX_BODY_BYTES} bytes`, 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(raw: string): unknown {
  if (raw.trim() === "") throw badRequestBody("body", "empty body (EOF)");
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw badRequestBody("body", (error as Error).message);
  }
}

function send(response: ServerResponse, reply: ApiReply): void {
  if (response.headersSent) return;
  if (reply.text !== undefined) {
    const type = reply.text.startsWith("{") ? "application/json;charset=utf-8" : "text/plain; charset=utf-8";
    response.writeHead(reply.status, { "Content-Type": type }).end(reply.text);
  } else if (reply.json === undefined) {
    response.writeHead(reply.status).end();
  } else {
    response.writeHead(reply.status, { "Content-Type": "application/json" }).end(JSON.stringify(reply.json));
  }
}

function sendError(response: ServerResponse, error: unknown): void {
  const apiError = error instanceof ToxiproxyApiError ? error : new ToxiproxyApiError((error as Error).message ?? String(error), 500);
  // Like Go's http.Error, the JSON body ends with a newline.
  send(response, { status: apiError.status, text: `${JSON.stringify(apiError.toJSON())}\n` });
}
