import type { PipelineEvent } from "../pipeline/index.ts";

/**
 * Shows a run's progress: a live single line on a terminal, plain
 * timestamped lines elsewhere (CI logs). Writes to stderr so stdout stays
 * free for the summary.
 */
export class ProgressReporter {
  private readonly live: boolean;
  private listed = 0;
  private toProcess = 0;
  private filesDone = 0;
  private instrumentRows = 0;
  private pairs = 0;
  private retries = 0;
  private quarantined = 0;
  private lastPlainLine = 0;
  private readonly started = performance.now();

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.live = stream.isTTY === true && !process.env.CI;
  }

  readonly onEvent = (event: PipelineEvent): void => {
    switch (event.type) {
      case "stage-started":
        this.line(`stage ${event.stage} started`);
        return;
      case "stage-finished":
        this.line(`stage ${event.stage} finished in ${(event.durationMs / 1000).toFixed(1)} s`);
        return;
      case "listed":
        this.listed = event.objects;
        this.toProcess = event.toProcess;
        break;
      case "batch-written":
        if (event.step === "write-instruments") {
          this.filesDone += event.files;
          this.instrumentRows += event.rows;
        } else this.pairs += event.rows;
        break;
      case "quarantined":
        this.quarantined++;
        if (!this.live) this.line(`quarantined ${JSON.stringify(event.key)} at ${event.stage}: ${event.reason}`);
        break;
      case "retry":
        this.retries++;
        if (!this.live) this.line(`retry ${event.step} (attempt ${event.attempt} failed: ${event.reason})`);
        break;
    }
    this.status();
  };

  finish(): void {
    if (this.live) this.stream.write("\n");
  }

  private status(): void {
    const text =
      `files ${this.filesDone}/${this.toProcess} (listed ${this.listed}) · instruments ${this.instrumentRows} · ` +
      `pairs ${this.pairs} · quarantined ${this.quarantined} · retries ${this.retries}`;
    if (this.live) {
      const ratio = this.toProcess === 0 ? 1 : Math.min(1, this.filesDone / this.toProcess);
      const width = 24;
      const bar = "#".repeat(Math.round(ratio * width)).padEnd(width, ".");
      this.stream.write(`\r[${bar}] ${text}\x1b[K`);
    } else if (performance.now() - this.lastPlainLine > 2_000) {
      this.lastPlainLine = performance.now();
      this.line(text);
    }
  }

  private line(text: string): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1).padStart(6);
    this.stream.write(`${this.live ? "\r\x1b[K" : ""}[${seconds}s] ${text}\n`);
  }
}
