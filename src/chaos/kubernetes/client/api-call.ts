import { ApiException } from "@kubernetes/client-node";
import { KubernetesApiError } from "../errors.ts";

/** Runs one API request, turning the client's errors into a {@link KubernetesApiError} that names the operation and the server's message. */
export async function apiCall<T>(operation: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toApiError(operation, error);
  }
}

/** Like {@link apiCall}, but a 404 resolves to undefined. */
export async function apiCallOrMissing<T>(operation: string, request: () => Promise<T>): Promise<T | undefined> {
  try {
    return await apiCall(operation, request);
  } catch (error) {
    if (error instanceof KubernetesApiError && error.status === 404) return undefined;
    throw error;
  }
}

function toApiError(operation: string, error: unknown): KubernetesApiError {
  if (error instanceof KubernetesApiError) return error;
  if (error instanceof ApiException) return new KubernetesApiError(operation, error.code, serverMessage(error.body) ?? `HTTP ${error.code}`, { cause: error });
  const status = (error as { statusCode?: unknown }).statusCode;
  const message = error instanceof Error ? error.message : String(error);
  return new KubernetesApiError(operation, typeof status === "number" ? status : 0, message, { cause: error });
}

/** The `message` of a Kubernetes Status body (an object, or JSON text). */
function serverMessage(body: unknown): string | undefined {
  let value: unknown = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return body.slice(0, 500) || undefined;
    }
  }
  const message = (value as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : undefined;
}
