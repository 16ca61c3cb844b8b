/** Keeps the last lines of a process's output, for error messages and failure reports. */
export class LogTail {
  private readonly lines: string[] = [];

  constructor(private readonly maxLines: number) {}

  push(chunk: string): void {
    for (const line of chunk.split("\n")) {
      if (line.trim() === "") continue;
      this.lines.push(line);
      if (this.lines.length > this.maxLines) this.lines.shift();
    }
  }

  text(): string {
    return this.lines.join("\n");
  }
}
