import {
  type ServiceName,
  FaultParameterError,
  type FaultDescription,
  type DownOptions,
  type PauseOptions,
  type CpuPressureOptions,
  type MemoryPressureOptions,
} from "../../core/index.ts";
import { podChaos, type PodChaos } from "../chaos-mesh/pod-chaos.ts";
import { stressChaos, type StressChaos } from "../chaos-mesh/stress-chaos.ts";
import { integerIn } from "../chaos-mesh/chaos-parameters.ts";
import type { ClusterWorkload } from "../target/kubernetes-target.ts";
import { common, describeWorkload, description, unsupported, type MappingContext } from "./fault-mapping.ts";

const KEPT_DOWN =
  "its controller (Deployment/StatefulSet) starts the pod again at once, so it cannot be kept down until removal; use stop() (pod-failure) for a service that stays down";

/** kill -9: PodChaos pod-kill with grace period 0; the workload's controller replaces the pods. */
export function killChaos(service: ServiceName, options: DownOptions, context: MappingContext): { object: PodChaos; description: FaultDescription } {
  if (options.restartOnRemove === false) throw unsupported(`kill ${service} without restart`, KEPT_DOWN);
  return {
    object: podChaos({ ...common(context, service), action: "pod-kill", gracePeriodSeconds: 0 }),
    description: description("process/kill", "equipment-failure", describeWorkload(service, context.workloads[service]), {
      restartOnRemove: true,
      via: "PodChaos pod-kill",
    }),
  };
}

/**
 * A service down until removal: PodChaos pod-failure, which swaps the
 * containers' image for a pause image (the process ends, the pod and its IP
 * stay) and restores them on removal.
 */
export function stopChaos(service: ServiceName, options: DownOptions, context: MappingContext): { object: PodChaos; description: FaultDescription } {
  if (options.restartOnRemove === false)
    throw unsupported(`stop ${service} without restart`, "Chaos Mesh restores the containers when the PodChaos is deleted");
  return {
    object: podChaos({ ...common(context, service), action: "pod-failure" }),
    description: description("process/stop", "equipment-failure", describeWorkload(service, context.workloads[service]), {
      restartOnRemove: true,
      via: "PodChaos pod-failure",
    }),
  };
}

/**
 * "Pause" as Chaos Mesh can do it: pod-failure (container-kill would be
 * restarted by the kubelet within seconds, so it is a kill, not a pause).
 * Unlike SIGSTOP, the process really ends: its open connections are reset
 * instead of hanging and what it held (locks, sessions) is released.
 */
export function pauseChaos(service: ServiceName, options: PauseOptions, context: MappingContext): { object: PodChaos; description: FaultDescription } {
  const durationMs = options.durationMs === undefined ? context.durationMs : Math.min(positive(options.durationMs, "durationMs"), context.durationMs);
  return {
    object: podChaos({ ...common(context, service), durationMs, action: "pod-failure" }),
    description: description("process/pause", "equipment-failure", describeWorkload(service, context.workloads[service]), {
      ...options,
      via: "PodChaos pod-failure",
      approximation: "the process ends instead of freezing: connections are reset, not hung",
    }),
  };
}

/** Busy stress-ng workers inside the pipeline's pods, competing with it for its CPU quota. */
export function cpuChaos(options: CpuPressureOptions, context: MappingContext): { object: StressChaos; description: FaultDescription } {
  const workers = integerIn(options.workers, 1, 8192, "workers");
  const durationMs = options.durationMs === undefined ? context.durationMs : Math.min(positive(options.durationMs, "durationMs"), context.durationMs);
  return {
    object: stressChaos({ ...common(context, "pipeline"), durationMs, cpu: { workers } }),
    description: description("cpu-pressure", "overload", `cpu of ${describeWorkload("pipeline", context.workloads.pipeline)}`, { ...options }),
  };
}

/** Options of {@link workloadCpuChaos}. */
export interface WorkloadStressOptions {
  /** Busy stress-ng CPU workers in each selected pod. */
  cpuWorkers: number;
  /** Load each worker puts on its CPU, percent (default 100). */
  cpuLoad?: number;
  /** Containers to stress (default each pod's first). */
  containerNames?: readonly string[];
}

/**
 * Busy stress-ng workers inside any workload's pods (cpuPressure covers the
 * pipeline's own): they compete with the workload's processes for its CPU
 * quota, e.g. Postgres answering slowly because its node or limit is saturated.
 */
export function workloadCpuChaos(
  workload: ClusterWorkload,
  options: WorkloadStressOptions,
  context: MappingContext,
): { object: StressChaos; description: FaultDescription } {
  const cpu = {
    workers: integerIn(options.cpuWorkers, 1, 8192, "cpuWorkers"),
    ...(options.cpuLoad !== undefined ? { loadPercent: integerIn(options.cpuLoad, 1, 100, "cpuLoad") } : {}),
  };
  return {
    object: stressChaos({ ...common(context, workload), cpu, ...(options.containerNames !== undefined ? { containerNames: options.containerNames } : {}) }),
    description: description("cpu-pressure", "overload", `cpu of ${describeWorkload(workload, context.workloads[workload])}`, { ...options }),
  };
}

/** A stress-ng worker holding `mebibytes` inside the pipeline's pods (counted against their memory limit). */
export function memoryChaos(options: MemoryPressureOptions, context: MappingContext): { object: StressChaos; description: FaultDescription } {
  const mebibytes = integerIn(options.mebibytes, 1, Number.MAX_SAFE_INTEGER, "mebibytes");
  const durationMs = options.durationMs === undefined ? context.durationMs : Math.min(positive(options.durationMs, "durationMs"), context.durationMs);
  return {
    object: stressChaos({ ...common(context, "pipeline"), durationMs, memory: { workers: 1, mebibytes } }),
    description: description("memory-pressure", "overload", `memory of ${describeWorkload("pipeline", context.workloads.pipeline)}`, { ...options }),
  };
}

function positive(value: number, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
    throw new FaultParameterError(field, `must be a positive number of milliseconds, got ${JSON.stringify(value)}`);
  return value;
}
