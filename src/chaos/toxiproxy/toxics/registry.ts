import type { Toxic, ToxicType } from "../toxic-spec.ts";
import { bandwidth } from "./bandwidth.ts";
import { latency } from "./latency.ts";
import { limitData } from "./limit-data.ts";
import { resetPeer } from "./reset-peer.ts";
import { slicer } from "./slicer.ts";
import { slowClose } from "./slow-close.ts";
import { timeout } from "./timeout.ts";
import { passThrough, type StageContext, type ToxicBehaviour } from "./toxic-behaviour.ts";

/** Bytes queued in front of a toxic that does not ask for more. */
export const DEFAULT_TOXIC_BUFFER_BYTES = 256 * 1024;

const BEHAVIOURS: { [T in ToxicType]: ToxicBehaviour<T> } = {
  latency,
  bandwidth,
  slow_close: slowClose,
  timeout,
  reset_peer: resetPeer,
  slicer,
  limit_data: limitData,
  noop: { pipe: (stage) => passThrough(stage) },
};

export function bufferBytesOf(type: ToxicType): number {
  return BEHAVIOURS[type].bufferBytes ?? DEFAULT_TOXIC_BUFFER_BYTES;
}

/** Runs `toxic` on `stage` until the stream ends or the stage is interrupted. */
export function runToxic(stage: StageContext, toxic: Toxic): Promise<void> {
  // The union of behaviours cannot be called with the union of attributes;
  // `toxic.type` ties the two together.
  const behaviour = BEHAVIOURS[toxic.type] as ToxicBehaviour<ToxicType>;
  return behaviour.pipe(stage, toxic.attributes as never);
}
