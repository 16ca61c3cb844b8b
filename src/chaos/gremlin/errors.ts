/**
 * Errors of the Gremlin provider. Each says whose fault it is and whether
 * trying again may help, as the Kubernetes layer's errors do. None of them
 * ever carries the API key: the client redacts it from whatever the server
 * answered before it builds one.
 */

/** Gremlin's API answered with a non-2xx status, or could not be reached. */
export class GremlinApiError extends Error {
  override name = "GremlinApiError";

  constructor(
    /** What was attempted, e.g. "create cpu attack", "halt attack 1a2b". */
    readonly operation: string,
    /** HTTP status; 0 when the API could not be reached. */
    readonly status: number,
    detail: string,
  ) {
    super(`Gremlin API: ${operation} failed${status ? ` (HTTP ${status})` : ""}: ${detail}`);
  }

  /** 4xx: the request, the key or its permissions; 5xx and unreachable: Gremlin. */
  get fault(): "client" | "server" {
    return this.status >= 400 && this.status < 500 ? "client" : "server";
  }

  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** A Gremlin setting is missing or invalid; `field` names the environment variable or option. */
export class GremlinConfigError extends Error {
  override name = "GremlinConfigError";
  readonly fault = "client";
  readonly retryable = false;

  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`invalid Gremlin configuration: ${field} ${problem}`);
  }
}

/** An attack on a target that was not opted into; nothing was sent to Gremlin. */
export class GremlinTargetRefusedError extends Error {
  override name = "GremlinTargetRefusedError";
  readonly fault = "client";
  readonly retryable = false;

  constructor(
    /** The refused target as the allow list names it, e.g. "host:web-1". */
    readonly target: string,
    reason: string,
  ) {
    super(`refusing a Gremlin attack on ${target}: ${reason}`);
  }
}

/** Gremlin reported the attack as failed (stage lifecycle "Error") before it ran; it has been halted. */
export class GremlinAttackFailedError extends Error {
  override name = "GremlinAttackFailedError";
  readonly fault = "server";
  readonly retryable = false;

  constructor(
    readonly attackId: string,
    /** The stage Gremlin reported, e.g. "TargetNotFound", "Failed". */
    readonly stage: string,
    output: string | undefined,
  ) {
    super(`Gremlin attack ${attackId} ended in stage ${stage} before it ran${output ? `: ${output}` : ""}`);
  }
}
