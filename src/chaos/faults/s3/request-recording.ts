/** Counts of the requests an S3 fault proxy saw, from which a later step enumerates fault points. */
import type { S3Operation, S3Request } from "../../core/index.ts";

/** Every request the proxy received, faulted or not, counted by S3 operation. */
export interface S3ProxyRecording {
  /** Requests in all. */
  readonly requests: number;
  /** Requests per operation, in order of first appearance. */
  readonly operations: Readonly<Partial<Record<S3Operation, number>>>;
}

export class S3RequestRecorder {
  private total = 0;
  private readonly byOperation = new Map<S3Operation, number>();

  request(request: S3Request): void {
    this.total++;
    this.byOperation.set(request.operation, (this.byOperation.get(request.operation) ?? 0) + 1);
  }

  snapshot(): S3ProxyRecording {
    return { requests: this.total, operations: Object.fromEntries(this.byOperation) };
  }
}
