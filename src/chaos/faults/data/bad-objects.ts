import { createFaultHandle, effectSeen, type FaultHandle } from "../../core/index.ts";

/** An object in the bucket that is not a readable MIDI file, with the reasons the pipeline may give for refusing it. */
export interface BadObject {
  key: string;
  bytes: number;
  reasons: readonly string[];
}

/**
 * Records a data fault: corrupt or non-MIDI objects sitting in the bucket
 * among the songs (seeded with the corpus, so the fault-free run sees them
 * too). There is nothing to undo; what matters is that each is quarantined
 * with one of its reasons and the run goes on.
 */
export function badObjectsInBucket(objects: readonly BadObject[]): FaultHandle {
  return createFaultHandle(
    { kind: "data/bad-objects", cause: "software-failure", target: "bucket", parameters: { objects: objects.length } },
    {
      objects: objects.length,
      zeroLength: objects.filter((object) => object.bytes === 0).length,
      examples: objects.slice(0, 5).map((object) => `${object.key} (${object.bytes} bytes)`),
    },
    async () => ({}),
    effectSeen("the objects are in the bucket (seeded before the run)"),
  );
}
