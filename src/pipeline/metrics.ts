import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The pipeline's Prometheus metrics, on a registry of their own (or one the caller shares across runs). */
export class PipelineMetrics {
  readonly registry: Registry;
  readonly objectsListed: Counter;
  readonly objectsSkipped: Counter;
  readonly objectsDownloaded: Counter;
  readonly bytesDownloaded: Counter;
  readonly objectsParsed: Counter;
  readonly objectsQuarantined: Counter<"stage" | "reason">;
  readonly objectsCommitted: Counter;
  readonly retries: Counter<"operation" | "reason">;
  readonly rowsWritten: Counter<"table">;
  readonly stageDuration: Histogram<"stage">;
  readonly lastSuccessfulWrite: Gauge;
  readonly runsFinished: Counter<"status">;

  constructor(registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.objectsListed = new Counter({ name: "scale_objects_listed_total", help: "S3 objects listed under the prefix (this shard).", registers });
    this.objectsSkipped = new Counter({
      name: "scale_objects_skipped_total",
      help: "Listed objects already recorded by an earlier run, not read again.",
      registers,
    });
    this.objectsDownloaded = new Counter({ name: "scale_objects_downloaded_total", help: "Objects downloaded and verified.", registers });
    this.bytesDownloaded = new Counter({ name: "scale_bytes_downloaded_total", help: "Bytes of verified object bodies.", registers });
    this.objectsParsed = new Counter({ name: "scale_objects_parsed_total", help: "MIDI files read into instruments.", registers });
    this.objectsQuarantined = new Counter({
      name: "scale_objects_quarantined_total",
      help: "Objects set aside with a reason instead of written.",
      labelNames: ["stage", "reason"],
      registers,
    });
    this.objectsCommitted = new Counter({
      name: "scale_objects_committed_total",
      help: "Objects whose outcome (instruments or quarantine) was committed to Postgres: the pipeline's throughput.",
      registers,
    });
    this.retries = new Counter({
      name: "scale_retries_total",
      help: "Retried attempts, by operation and transient error class.",
      labelNames: ["operation", "reason"],
      registers,
    });
    this.rowsWritten = new Counter({ name: "scale_rows_written_total", help: "Rows committed, per table.", labelNames: ["table"], registers });
    this.stageDuration = new Histogram({
      name: "scale_stage_duration_seconds",
      help: "Time spent per stage (extract, similarity) and per step (download, parse, write-instruments, load-songs, search-pairs, write-pairs).",
      labelNames: ["stage"],
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.lastSuccessfulWrite = new Gauge({
      name: "scale_last_successful_write_timestamp_seconds",
      help: "Unix time of the last committed write.",
      registers,
    });
    this.runsFinished = new Counter({ name: "scale_runs_finished_total", help: "Runs ended, by status.", labelNames: ["status"], registers });
  }

  /** Times `work` into the stage histogram. */
  async timeStage<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const end = this.stageDuration.startTimer({ stage });
    try {
      return await work();
    } finally {
      end();
    }
  }

  markWrite(): void {
    this.lastSuccessfulWrite.set(Date.now() / 1000);
  }
}
