import { UnsupportedFaultError, type FaultLibrary } from "../../core/index.ts";
import { KubernetesFaultLibrary } from "./kubernetes-fault-library.ts";

/**
 * The Kubernetes fault library behind an action's `faults`, for what only a
 * cluster has (packetLoss, stress on a workload, volumeFault, drainNode, …):
 *
 *     fault("90% loss to a replica", ({ faults }) => kubernetesFaults(faults).packetLoss("postgres-replica", { percent: 90 }))
 *
 * On any other environment it throws an UnsupportedFaultError, which stops
 * the experiment and makes the scenario skip with the reason.
 */
export function kubernetesFaults(faults: FaultLibrary): KubernetesFaultLibrary {
  if (faults instanceof KubernetesFaultLibrary) return faults;
  throw new UnsupportedFaultError(
    "a Chaos Mesh fault",
    "selected",
    `it needs CHAOS_ENV=kubernetes and a cluster with Chaos Mesh (this environment's faults come from a ${faults.constructor.name})`,
  );
}
