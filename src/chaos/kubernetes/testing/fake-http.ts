/** HTTP plumbing of the fake API server: bodies, Kubernetes Status replies, merge patches, its kubeconfig. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { StoredObject } from "./fake-kube-store.ts";

/** A kubeconfig whose one context points at `server` with a bearer token. */
export function kubeconfig(server: string, context: string, token: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    `clusters:\n- name: fake\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true`,
    `users:\n- name: fake-user\n  user:\n    token: ${token}`,
    `contexts:\n- name: ${context}\n  context:\n    cluster: fake\n    user: fake-user`,
    `current-context: ${context}`,
    "",
  ].join("\n");
}

export async function readBody(request: IncomingMessage): Promise<unknown> {
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

export function mergePatch(target: Record<string, unknown>, patch: unknown): void {
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete target[key];
    else if (typeof value === "object" && !Array.isArray(value) && typeof target[key] === "object" && target[key] !== null)
      mergePatch(target[key] as Record<string, unknown>, value);
    else target[key] = value;
  }
}

export function list(kind: string, items: StoredObject[]): unknown {
  return { apiVersion: "v1", kind, metadata: { resourceVersion: "1" }, items };
}

export function status(code: number, reason: string, message: string): unknown {
  return { apiVersion: "v1", kind: "Status", status: code < 400 ? "Success" : "Failure", reason, message, code };
}

export function notFound(response: ServerResponse, plural: string, name: string): void {
  send(response, 404, status(404, "NotFound", `${plural} "${name}" not found`));
}

export function send(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export function sendText(response: ServerResponse, code: number, text: string, contentType = "text/plain"): void {
  response.writeHead(code, { "content-type": contentType });
  response.end(text);
}
