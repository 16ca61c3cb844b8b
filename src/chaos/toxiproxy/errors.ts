/**
 * Errors of the Toxiproxy API, shared by the server (which serialises them as
 * Toxiproxy's `{"error": "...", "status": N}` body) and the typed client
 * (which rebuilds them from that body, or throws them before sending when its
 * own validation fails). Messages keep Toxiproxy's wording as a prefix so
 * code that matches on them keeps working, and add the field at fault.
 */

/** What the API answered with a non-2xx status, or would have answered. */
export class ToxiproxyApiError extends Error {
  override name = "ToxiproxyApiError";
  /** HTTP status, as sent in the body's `status` field. */
  readonly status: number;
  /** The request field at fault (`attributes.latency`, `[1].upstream`), when known. */
  readonly field: string | undefined;

  constructor(message: string, status: number, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.field = options.field;
  }

  /** Whose fault: 4xx is the caller's request, 5xx the server's state. */
  get fault(): "client" | "server" {
    return this.status < 500 ? "client" : "server";
  }

  /** Whether sending the same request again may succeed. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }

  /** Toxiproxy's error body. */
  toJSON(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }
}

/** A request field is missing or out of range (HTTP 400); `field` names it. */
export class ToxiproxyValidationError extends ToxiproxyApiError {
  override name = "ToxiproxyValidationError";
  declare readonly field: string;

  constructor(field: string, message: string) {
    super(message, 400, { field });
  }
}

/** The API could not be reached at all (refused, reset, timed out). */
export class ToxiproxyConnectionError extends Error {
  override name = "ToxiproxyConnectionError";
  readonly retryable = true;

  constructor(url: string, cause: unknown) {
    super(`cannot reach Toxiproxy at ${url}: ${describe(cause)}`, { cause });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const inner = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return `${error.message}${inner}`;
  }
  return String(error);
}

/** `bad request body: <detail>` — Toxiproxy's 400 for a body it cannot use. */
export function badRequestBody(field: string, detail: string): ToxiproxyValidationError {
  return new ToxiproxyValidationError(field, `bad request body: ${detail}`);
}

/** `missing required field: <field>` — Toxiproxy's 400 for an absent name/upstream. */
export function missingField(field: string, where = ""): ToxiproxyValidationError {
  return new ToxiproxyValidationError(field, `missing required field: ${field}${where}`);
}

export const proxyNotFound = (): ToxiproxyApiError => new ToxiproxyApiError("proxy not found", 404);
export const proxyAlreadyExists = (): ToxiproxyApiError => new ToxiproxyApiError("proxy already exists", 409);
export const toxicNotFound = (): ToxiproxyApiError => new ToxiproxyApiError("toxic not found", 404);
export const toxicAlreadyExists = (): ToxiproxyApiError => new ToxiproxyApiError("toxic already exists", 409);
