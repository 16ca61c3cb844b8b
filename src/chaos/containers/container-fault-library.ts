import type { ServiceName, FaultHandle, DownOptions, PauseOptions } from "../core/index.ts";
import { ProxiedFaultLibrary } from "../faults/index.ts";
import { killContainer, pauseContainer, stopContainer } from "./container-faults.ts";
import type { StartedContainersEnvironment } from "./started-containers-env.ts";

/**
 * The fault library of the containers environment: process faults become
 * container kill/stop/pause (and start on removal); network faults are
 * toxics on the Toxiproxy container, S3 and Postgres protocol faults go to
 * the fault layers in front of it, and resource faults run as on the embedded environment (CPU
 * and memory pressure on this machine, where the pipeline runs) — those come
 * from {@link ProxiedFaultLibrary}.
 */
export class ContainerFaultLibrary extends ProxiedFaultLibrary {
  constructor(readonly env: StartedContainersEnvironment) {
    // The database URL goes through Toxiproxy's direct proxy: the same before and after a restart.
    super({ network: env.toxiproxy, s3Faults: env.s3Faults, postgresFaults: env.postgresFaults, databaseUrl: env.databaseUrl });
  }

  kill(target: ServiceName, options?: DownOptions): Promise<FaultHandle> {
    return this.track(killContainer(this.env.service(target), options));
  }

  stop(target: ServiceName, options?: DownOptions): Promise<FaultHandle> {
    return this.track(stopContainer(this.env.service(target), options));
  }

  pause(target: ServiceName, options?: PauseOptions): Promise<FaultHandle> {
    return this.track(pauseContainer(this.env.service(target), options));
  }
}
