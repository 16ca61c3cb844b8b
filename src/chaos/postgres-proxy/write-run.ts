/**
 * Coalesces consecutive views of one received chunk into a single write:
 * a chunk of 500 DataRows goes on as one buffer again, not 500, which keeps
 * the proxy's cost per message near zero when no rule applies.
 */
export class WriteRun {
  private start: Buffer | undefined;
  private length = 0;

  constructor(private readonly write: (bytes: Buffer) => void) {}

  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const start = this.start;
    // Adjacent memory is the concatenation, whatever buffers the views came from.
    if (start && bytes.buffer === start.buffer && bytes.byteOffset === start.byteOffset + this.length) {
      this.length += bytes.length;
      return;
    }
    this.flush();
    this.start = bytes;
    this.length = bytes.length;
  }

  flush(): void {
    const start = this.start;
    if (!start) return;
    this.start = undefined;
    this.write(Buffer.from(start.buffer, start.byteOffset, this.length));
  }
}
