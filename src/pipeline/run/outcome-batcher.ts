import type { FileOutcome } from "../store/file-outcome.ts";

/**
 * Collects file outcomes from concurrent workers and writes them in batches,
 * one write at a time. A worker that fills a batch waits for it to be
 * written, which keeps downloads from running ahead of the database.
 */
export class OutcomeBatcher {
  private buffer: FileOutcome[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly batchSize: number,
    private readonly write: (batch: FileOutcome[]) => Promise<void>,
  ) {}

  async add(outcome: FileOutcome): Promise<void> {
    this.buffer.push(outcome);
    if (this.buffer.length >= this.batchSize) await this.flush();
  }

  flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(() => (batch.length > 0 ? this.write(batch) : undefined));
    return this.writing;
  }
}
