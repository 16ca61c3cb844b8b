import { describe, expect, it } from "vitest";
import { type DiskCosts, estimateDisk, refuseForDisk } from "./disk-estimate.ts";

const costs: DiskCosts = {
  fsBlockBytes: 4096,
  s3rverFilesPerObject: 3,
  instrumentRowBytes: 100,
  ledgerRowBytes: 200,
  pairRowBytes: 300,
  postgresBaseBytes: 1_000,
  walCeilingBytes: 50_000,
};

describe("estimateDisk", () => {
  it("counts each object in whole blocks plus s3rver's two side files, and the tables with their WAL", () => {
    const estimate = estimateDisk({ objectSizes: [1, 4096, 4097], instrumentRows: 10, ledgerRows: 3, pairRows: 20 }, costs);
    expect(estimate.s3Bytes).toBe(4096 * 3 + 4096 * 3 + 4096 * 4);
    // tables 10*100 + 3*200 + 20*300 = 7,600 B, WAL as much again (below its ceiling), plus the cluster
    expect(estimate.postgresBytes).toBe(1_000 + 7_600 + 7_600);
    expect(estimate.totalBytes).toBe(estimate.s3Bytes + estimate.postgresBytes);
  });

  it("stops counting WAL at its ceiling: Postgres recycles it", () => {
    const estimate = estimateDisk({ objectSizes: [], instrumentRows: 0, ledgerRows: 0, pairRows: 1_000 }, costs);
    expect(estimate.postgresBytes).toBe(1_000 + 300_000 + 50_000);
  });
});

describe("refuseForDisk", () => {
  const estimate = { s3Bytes: 6 * 1024 ** 3, postgresBytes: 2 * 1024 ** 3, totalBytes: 8 * 1024 ** 3 };

  it("lets a run start that fits in 80% of the free space", () => {
    expect(refuseForDisk(estimate, 10 * 1024 ** 3, "/tmp", 176_581)).toBeUndefined();
  });

  it("refuses one that does not, saying what it needs, where, and what to do", () => {
    const message = refuseForDisk(estimate, 9.9 * 1024 ** 3, "/tmp", 176_581);
    expect(message).toContain("176581 songs need about 8.00 GiB on disk (S3 objects 6.00 GiB, Postgres 2.00 GiB)");
    expect(message).toContain("/tmp has 9.90 GiB free");
    expect(message).toContain("smaller --songs");
  });
});
