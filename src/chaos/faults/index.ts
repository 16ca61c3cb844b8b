/** The fault library: every fault returns a {@link FaultHandle}; {@link FaultInjector} is the one entry point per environment. */
export {
  createFaultHandle,
  removeAll,
  FaultParameterError,
  type DowntimeCause,
  type FaultDescription,
  type FaultHandle,
} from "./fault-handle.ts";
export { FaultInjector, type ProcessTarget } from "./fault-injector.ts";
export { killProcess, stopProcess, pauseProcess, type DownOptions, type PauseOptions } from "./process/process-faults.ts";
export type { FaultableProcess } from "./process/faultable-process.ts";
export { injectToxic, partition } from "./network/network-faults.ts";
