import type { FileOutcome } from "../store/file-outcome.ts";

/**
 * Collects file outcomes from concurrent workers and writes them in batches,
 * at most `maxInFlight` at a time, each on its own connection. Batches hold
 * disjoint objects, so their transactions never wait on one another; with two
 * in flight, one batch's round trips overlap the other's COPY. A worker that
 * fills a batch while the writes are all busy waits for one to finish, which
 * keeps downloads from running ahead of the database. A failed write fails
 * the next `add` or `flush`.
 */
export class OutcomeBatcher {
  private buffer: FileOutcome[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly batchSize: number,
    private readonly write: (batch: FileOutcome[]) => Promise<void>,
    private readonly maxInFlight = 2,
  ) {}

  async add(outcome: FileOutcome): Promise<void> {
    this.throwIfFailed();
    this.buffer.push(outcome);
    if (this.buffer.length >= this.batchSize) await this.startBatch();
  }

  /** Writes what is buffered and waits for every write in flight. */
  async flush(): Promise<void> {
    if (this.buffer.length > 0) await this.startBatch();
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private async startBatch(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const writing: Promise<void> = this.write(batch)
      .catch((error: unknown) => void (this.failure ??= { error }))
      .finally(() => this.inFlight.delete(writing));
    this.inFlight.add(writing);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
