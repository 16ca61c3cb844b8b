/**
 * Disk space a Lakh-scale run needs, estimated before it starts: the objects as s3rver stores them
 * and the largest database of one run (each run's database is dropped before the next starts).
 */

/** What the run will store. */
export interface DiskNeedInput {
  /** Size of every object to upload, in bytes. */
  objectSizes: Iterable<number>;
  /** Rows of filename_instrument one run writes. */
  instrumentRows: number;
  /** Rows of source_object (one per object). */
  ledgerRows: number;
  /** Rows of filepair_similarity_score one run writes. */
  pairRows: number;
}

/** Bytes on disk per thing stored; row sizes include their primary-key index entries. */
export interface DiskCosts {
  fsBlockBytes: number;
  /** s3rver keeps each object as three files: the body, its `.md5` and its `metadata.json`. */
  s3rverFilesPerObject: number;
  instrumentRowBytes: number;
  ledgerRowBytes: number;
  pairRowBytes: number;
  /** An initialised cluster with its system databases. */
  postgresBaseBytes: number;
  /** WAL kept between checkpoints: Postgres recycles it past max_wal_size (1 GiB by default). */
  walCeilingBytes: number;
}

/**
 * Row sizes (heap plus primary-key entries) of the pipeline's tables, rounded up; checked against
 * the disk the runs here used (2026-12-07: Postgres 0.22 GiB estimated, 0.20 GiB measured at
 * 20,000 songs). The bench prints both after every run.
 */
export const DISK_COSTS: DiskCosts = {
  fsBlockBytes: 4096,
  s3rverFilesPerObject: 3,
  instrumentRowBytes: 160,
  ledgerRowBytes: 260,
  pairRowBytes: 220,
  postgresBaseBytes: 64 * 1024 * 1024,
  walCeilingBytes: 1.1 * 1024 * 1024 * 1024,
};

export interface DiskEstimate {
  s3Bytes: number;
  postgresBytes: number;
  totalBytes: number;
}

export function estimateDisk(input: DiskNeedInput, costs: DiskCosts = DISK_COSTS): DiskEstimate {
  const block = costs.fsBlockBytes;
  let s3Bytes = 0;
  for (const size of input.objectSizes) s3Bytes += Math.ceil(size / block) * block + (costs.s3rverFilesPerObject - 1) * block;
  const tables = input.instrumentRows * costs.instrumentRowBytes + input.ledgerRows * costs.ledgerRowBytes + input.pairRows * costs.pairRowBytes;
  const postgresBytes = costs.postgresBaseBytes + tables + Math.min(costs.walCeilingBytes, tables);
  return { s3Bytes, postgresBytes, totalBytes: s3Bytes + postgresBytes };
}

/** Share of the free space a run may plan to fill: the machine's other users keep writing while it runs. */
export const DISK_HEADROOM = 0.8;

/** Undefined when `availableBytes` holds the estimate with headroom; otherwise the message to refuse with. */
export function refuseForDisk(estimate: DiskEstimate, availableBytes: number, dir: string, songs: number): string | undefined {
  if (estimate.totalBytes <= availableBytes * DISK_HEADROOM) return undefined;
  return (
    `refusing to start: ${songs} songs need about ${gib(estimate.totalBytes)} on disk (S3 objects ${gib(estimate.s3Bytes)}, ` +
    `Postgres ${gib(estimate.postgresBytes)}), but ${dir} has ${gib(availableBytes)} free and a run may fill at most ` +
    `${Math.round(DISK_HEADROOM * 100)}% of it. Free space there, point TMPDIR at a larger disk, or pass a smaller --songs.`
  );
}

export function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
