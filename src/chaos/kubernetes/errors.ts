/**
 * Errors of the Kubernetes layer. Each says whose fault it is (the caller's
 * configuration or request, or the cluster's state) and whether trying again
 * may help, as the AWS SDK's errors do.
 */

/** The API server answered with a non-2xx status. */
export class KubernetesApiError extends Error {
  override name = "KubernetesApiError";

  constructor(
    /** What was attempted, e.g. "create PodChaos chaos/kill-postgres". */
    readonly operation: string,
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation} failed${status ? ` (HTTP ${status})` : ""}: ${detail}`, options);
  }

  /** 4xx: the request (or the caller's permissions); 5xx and unreachable: the cluster. */
  get fault(): "client" | "server" {
    return this.status >= 400 && this.status < 500 ? "client" : "server";
  }

  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** A namespace (or node) the safety rules do not let chaos touch; nothing was written. */
export class ChaosRefusedError extends Error {
  override name = "ChaosRefusedError";
  readonly fault = "client";
  readonly retryable = false;

  constructor(
    /** "namespace" or "node". */
    readonly scope: "namespace" | "node",
    readonly resource: string,
    reason: string,
  ) {
    super(`refusing chaos on ${scope} ${JSON.stringify(resource)}: ${reason}`);
  }
}

/** A Kubernetes target or environment setting is missing or invalid; `field` names it (an input field or an environment variable). */
export class KubernetesConfigError extends Error {
  override name = "KubernetesConfigError";
  readonly fault = "client";
  readonly retryable = false;

  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`invalid Kubernetes configuration: ${field} ${problem}`);
  }
}

/** A chaos object was accepted but selected no pod, so nothing was injected (it has been deleted again). */
export class NothingSelectedError extends Error {
  override name = "NothingSelectedError";
  readonly fault = "client";
  readonly retryable = false;

  constructor(readonly object: string) {
    super(`${object} selected no pods: check the label selectors and that the pods are running`);
  }
}

/** Prometheus's HTTP API could not answer a query (unreachable, HTTP error, or `status: "error"`). */
export class PrometheusQueryError extends Error {
  override name = "PrometheusQueryError";

  constructor(
    /** The PromQL that was asked. */
    readonly query: string,
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Prometheus query ${query} failed${status ? ` (HTTP ${status})` : ""}: ${detail}`, options);
  }

  /** 400/422: the query; anything else: the server. */
  get fault(): "client" | "server" {
    return this.status === 400 || this.status === 422 ? "client" : "server";
  }

  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status === 503 || this.status >= 500;
  }
}
