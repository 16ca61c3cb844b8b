/** What the fault library's faults take, by fault: part of the FaultLibrary contract, implemented in `faults/` and by each environment. */

/** What to do about a killed or stopped process when the fault is removed. */
export interface DownOptions {
  /** Start it again on removal (default true): "equipment failure" followed by the operator's repair. */
  restartOnRemove?: boolean;
}

/** How long a paused service stays frozen. */
export interface PauseOptions {
  /** Resume by itself after this long; without it, only removal resumes. */
  durationMs?: number;
}

/** Options of the connection-exhaustion fault. */
export interface ConnectionExhaustionOptions {
  /** Server to exhaust; the fault's sessions log in with its credentials. */
  connectionUri: string;
  /** Slots to leave free once the server has refused, e.g. for an admin probe (default 0). */
  reserve?: number;
  /** End by itself after this many milliseconds; without it, only removal ends it. */
  durationMs?: number;
}

/** Options of the CPU-pressure fault. */
export interface CpuPressureOptions {
  /** Busy worker processes, one core each; at most os.availableParallelism(). */
  workers: number;
  /** Workers stop by themselves after this many milliseconds; without it, only removal stops them. */
  durationMs?: number;
}

/** Options of the memory-pressure fault. */
export interface MemoryPressureOptions {
  /** MiB to allocate and keep resident; at most half of this machine's memory. */
  mebibytes: number;
  /** Release by itself this many milliseconds after the memory is held; without it, only removal releases it. */
  durationMs?: number;
}
