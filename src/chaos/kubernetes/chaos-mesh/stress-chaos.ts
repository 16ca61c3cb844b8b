import { FaultParameterError } from "../../core/index.ts";
import { buildCommon, chaosObject, withoutUndefined, type ChaosCommonInput, type ChaosMeshObject, type ChaosSelection } from "./chaos-object.ts";
import { integerIn, nonEmptyStrings } from "./chaos-parameters.ts";

/** stress-ng's own cap on workers per stressor. */
const MAX_WORKERS = 8192;

/** stress-ng workers inside the selected containers; give `cpu`, `memory` or both. */
export interface StressChaosInput extends ChaosCommonInput {
  cpu?: {
    /** Busy workers. */
    workers: number;
    /** Load per worker, percent (default 100). */
    loadPercent?: number;
  };
  memory?: {
    /** Workers each holding `size` (default 1). */
    workers?: number;
    /** MiB per worker; without it (and `sizePercent`), Chaos Mesh takes all available memory. */
    mebibytes?: number;
    /** Or a share of the available memory, percent. */
    sizePercent?: number;
  };
  /** Containers to stress; default the pod's first. */
  containerNames?: readonly string[];
}

export interface StressChaosSpec extends ChaosSelection {
  duration?: string;
  stressors: {
    cpu?: { workers: number; load?: number };
    memory?: { workers: number; size?: string };
  };
  containerNames?: string[];
}

export type StressChaos = ChaosMeshObject<"StressChaos", StressChaosSpec>;

/** A StressChaos object. */
export function stressChaos(input: StressChaosInput): StressChaos {
  const { metadata, selection, duration } = buildCommon(input);
  if (input.cpu === undefined && input.memory === undefined) throw new FaultParameterError("cpu", "or memory must be given");
  const stressors: StressChaosSpec["stressors"] = {};
  if (input.cpu !== undefined) {
    stressors.cpu = withoutUndefined({
      workers: integerIn(input.cpu.workers, 1, MAX_WORKERS, "cpu.workers"),
      load: input.cpu.loadPercent === undefined ? undefined : integerIn(input.cpu.loadPercent, 0, 100, "cpu.loadPercent"),
    });
  }
  if (input.memory !== undefined) {
    const { mebibytes, sizePercent } = input.memory;
    if (mebibytes !== undefined && sizePercent !== undefined) throw new FaultParameterError("memory.mebibytes", "and memory.sizePercent cannot both be given");
    const size =
      mebibytes !== undefined
        ? `${integerIn(mebibytes, 1, Number.MAX_SAFE_INTEGER, "memory.mebibytes")}MiB`
        : sizePercent !== undefined
          ? `${integerIn(sizePercent, 1, 100, "memory.sizePercent")}%`
          : undefined;
    stressors.memory = withoutUndefined({ workers: integerIn(input.memory.workers ?? 1, 1, MAX_WORKERS, "memory.workers"), size });
  }
  return chaosObject("StressChaos", metadata, { ...selection, duration, stressors, containerNames: nonEmptyStrings(input.containerNames, "containerNames") });
}
