import type { StartedEmbeddedEnvironment } from "./index.ts";
import type { FaultHandle, DownOptions, PauseOptions } from "../core/index.ts";
import { type FaultableProcess, killProcess, pauseProcess, stopProcess, ProxiedFaultLibrary } from "../faults/index.ts";

/** Services of an environment that process faults can target. */
export type ProcessTarget = "postgres" | "s3";

/**
 * The one entry point for breaking the embedded environment: process faults
 * are signals to the local Postgres and S3 processes; the rest (toxics, S3
 * faults, resource pressure) come from {@link ProxiedFaultLibrary}. Every
 * fault it injects is recorded (for journals) and removed by `removeAll()` —
 * call it in teardown, or let `await using` do it.
 */
export class FaultInjector extends ProxiedFaultLibrary {
  constructor(readonly env: StartedEmbeddedEnvironment) {
    super(env);
  }

  kill(target: ProcessTarget, options?: DownOptions): Promise<FaultHandle> {
    return this.track(killProcess(this.process(target), options));
  }

  stop(target: ProcessTarget, options?: DownOptions): Promise<FaultHandle> {
    return this.track(stopProcess(this.process(target), options));
  }

  pause(target: ProcessTarget, options?: PauseOptions): Promise<FaultHandle> {
    return this.track(pauseProcess(this.process(target), options));
  }

  private process(target: ProcessTarget): FaultableProcess {
    return target === "postgres" ? this.env.postgres : this.env.s3;
  }
}
