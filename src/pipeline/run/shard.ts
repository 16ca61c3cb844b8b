import { createHash } from "node:crypto";
import type { ShardConfig } from "../config.ts";

/** Whether `key` belongs to `shard`: a stable hash of the key's UTF-8 bytes, so every process agrees without coordination. */
export function inShard(key: string, shard: ShardConfig): boolean {
  if (shard.count === 1) return true;
  const digest = createHash("sha256").update(key, "utf8").digest();
  return digest.readUInt32BE(0) % shard.count === shard.index;
}
