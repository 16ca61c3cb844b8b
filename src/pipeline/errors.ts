/** Who caused a failure: the caller's input or configuration, or a server/network. */
export type FaultSide = "client" | "server";

/** A configuration value is missing or invalid; `field` names it (e.g. "s3.bucket"). */
export class ConfigError extends Error {
  readonly fault: FaultSide = "client";
  readonly retryable = false;

  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`invalid configuration: ${field} ${problem}`);
    this.name = "ConfigError";
  }
}

/** An operation failed after its retries ran out, or at once on a permanent error. */
export class OperationFailedError extends Error {
  constructor(
    readonly operation: string,
    readonly attempts: number,
    readonly retryable: boolean,
    options: { cause: unknown },
  ) {
    super(`${operation} failed after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${describeError(options.cause)}`, options);
    this.name = "OperationFailedError";
  }
}

/** A downloaded body does not match what S3 said it would be (length or MD5). Retryable: the next read may be whole. */
export class BodyIntegrityError extends Error {
  readonly retryable = true;

  constructor(
    readonly key: string,
    readonly problem: "truncated" | "checksum-mismatch",
    detail: string,
  ) {
    super(`object ${JSON.stringify(key)}: ${problem} (${detail})`);
    this.name = "BodyIntegrityError";
  }
}

/** The run was stopped on purpose (Ctrl-C or an abort signal); it can be resumed. */
export class RunAbortedError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("pipeline run aborted", options);
    this.name = "RunAbortedError";
  }
}

/** A one-line description of any thrown value, without stack, for logs and ledgers. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === "string" && code !== error.name ? ` ${code}` : ""}: ${error.message}`;
  }
  return String(error);
}
