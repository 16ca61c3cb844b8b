import { constants } from "node:os";
import { getContainerRuntimeClient, type ContainerRuntimeClient } from "testcontainers";
import { EnvironmentFailureError, type ServiceName, waitFor } from "../core/index.ts";

type EngineContainer = ReturnType<ContainerRuntimeClient["container"]["getById"]>;

/** How long a killed or stopped container may take to be gone, and a restarted one to serve again. */
export const CONTAINER_GONE_TIMEOUT_MS = 15_000;
export const CONTAINER_READY_TIMEOUT_MS = 60_000;
/** Grace `docker stop` gives a container before it kills it, in seconds (the engine's unit). */
export const STOP_GRACE_SECONDS = 10;

/** What the engine says about a container now. */
export interface ContainerState {
  /** The engine's word: "running", "paused", "exited", … */
  status: string;
  running: boolean;
  paused: boolean;
  /** PID of its main process as the engine's host sees it; undefined when not running. */
  pid: number | undefined;
  exitCode: number | undefined;
}

/** A container taken down by a fault: what ran, how, and when it was gone (monotonic). */
export interface ContainerDownOutcome {
  pid: number | undefined;
  signal: string;
  at: number;
  state: ContainerState;
}

/**
 * One service container of the environment (Postgres, MinIO) with the
 * operations faults need, which Testcontainers does not offer (its `stop()`
 * also removes): kill, stop, pause, resume and start again on the same
 * filesystem. It publishes no host port: an engine binds a container's host
 * ports again on every start (Podman the very ports it chose at creation),
 * and another process may hold them by then. It is reached on the
 * environment's network only, through the Toxiproxy container, so its
 * address there is read again after every start.
 */
export class ServiceContainer {
  private address = "";
  private removal: Promise<void> | undefined;
  /** Runs after every restart, before readiness is awaited (the environment re-points its proxies at the new address). */
  onRestarted: ((container: ServiceContainer) => Promise<void>) | undefined;

  private constructor(
    readonly name: ServiceName,
    readonly id: string,
    private readonly engine: EngineContainer,
    private readonly networkName: string,
    private readonly untilReady: (container: ServiceContainer) => Promise<void>,
  ) {}

  /** Wraps the started container `id`; `untilReady` resolves once the service answers (used after restarts). */
  static async wrap(name: ServiceName, id: string, networkName: string, untilReady: (container: ServiceContainer) => Promise<void>): Promise<ServiceContainer> {
    const client = await getContainerRuntimeClient();
    const container = new ServiceContainer(name, id, client.container.getById(id), networkName, untilReady);
    await container.refresh();
    return container;
  }

  /** The short ID `docker ps` shows. */
  get shortId(): string {
    return this.id.slice(0, 12);
  }

  /** Its address on the environment's network, where other containers reach it. */
  get ipAddress(): string {
    return this.address;
  }

  /** What the engine says now; when it cannot say (the container is gone, the engine is down), an {@link EnvironmentFailureError}. */
  async state(): Promise<ContainerState> {
    const { State } = await this.engine.inspect().catch((error: unknown) => {
      throw new EnvironmentFailureError(`could not inspect the ${this.name} container ${this.shortId}`, error);
    });
    return {
      status: State.Status,
      running: State.Running,
      paused: State.Paused,
      pid: State.Running && State.Pid > 0 ? State.Pid : undefined,
      exitCode: State.Running ? undefined : State.ExitCode,
    };
  }

  /** A tar archive of `path` in the container (the engine's archive API, `docker cp` out), whose top entry is the path's last part. */
  async archiveOf(path: string): Promise<NodeJS.ReadableStream> {
    return this.engine.getArchive({ path }).catch((error: unknown) => {
      throw new EnvironmentFailureError(`could not copy ${path} out of the ${this.name} container ${this.shortId}`, error);
    });
  }

  /** Unpacks the tar `archive` into the directory `path` in the container (`docker cp` in); resolves once the engine has done so. */
  async extractInto(path: string, archive: NodeJS.ReadableStream): Promise<void> {
    try {
      // The engine answers once it has unpacked the whole archive.
      await this.engine.putArchive(archive, { path });
    } catch (error) {
      throw new EnvironmentFailureError(`could not copy into ${path} of the ${this.name} container ${this.shortId}`, error);
    }
  }

  /** SIGKILL to the container's main process (`docker kill`), resolving once the engine reports it exited. */
  async kill(): Promise<ContainerDownOutcome> {
    const { pid } = await this.state();
    await this.engine.kill({ signal: "SIGKILL" });
    return { pid, signal: "SIGKILL", ...(await this.untilExited()) };
  }

  /** `docker stop`: the image's stop signal (SIGINT for Postgres: fast shutdown), SIGKILL after {@link STOP_GRACE_SECONDS}. */
  async gracefulStop(): Promise<ContainerDownOutcome> {
    const [{ pid }, inspected] = await Promise.all([this.state(), this.engine.inspect()]);
    await this.engine.stop({ t: STOP_GRACE_SECONDS });
    return { pid, signal: signalName((inspected.Config as { StopSignal?: string }).StopSignal), ...(await this.untilExited()) };
  }

  /** `docker pause`: every process of the container frozen (cgroup freezer); sockets stay open, nothing answers. Resolves once the engine reports it paused. */
  async pause(): Promise<{ pid: number | undefined; at: number }> {
    const { pid } = await this.state();
    await this.engine.pause();
    await this.untilState("paused", (state) => state.paused);
    return { pid, at: performance.now() };
  }

  /**
   * `docker unpause`, resolving once the engine reports it running and no
   * longer paused; a refusal, or an engine that never reports it so, is an
   * {@link EnvironmentFailureError}.
   */
  async resume(): Promise<void> {
    try {
      await this.engine.unpause();
      await this.untilState("unpaused", (state) => state.running && !state.paused);
    } catch (error) {
      if (error instanceof EnvironmentFailureError) throw error;
      throw new EnvironmentFailureError(`could not unpause the ${this.name} container ${this.shortId}`, error);
    }
  }

  /**
   * `docker start` on the same filesystem; resolves once the service answers
   * again. When the engine refuses or the service never answers, the
   * environment failed to restore it: an {@link EnvironmentFailureError}.
   */
  async restart(): Promise<{ pid: number | undefined; readyAfterMs: number }> {
    const started = performance.now();
    try {
      await this.engine.start();
      await this.refresh();
      await this.onRestarted?.(this);
      await this.untilReady(this);
      return { pid: (await this.state()).pid, readyAfterMs: performance.now() - started };
    } catch (error) {
      if (error instanceof EnvironmentFailureError) throw error;
      throw new EnvironmentFailureError(`could not start the ${this.name} container ${this.shortId} again`, error);
    }
  }

  /** Resolves once the service answers (at start, once the environment's proxies lead to it). */
  untilServing(): Promise<void> {
    return this.untilReady(this);
  }

  /** Once {@link remove} was called: nothing is left to restart or resume. */
  get isRemoved(): boolean {
    return this.removal !== undefined;
  }

  /** Removes the container and its anonymous volumes, whatever state it is in. Idempotent. */
  remove(): Promise<void> {
    this.removal ??= (async () => {
      const state = await this.state().catch(() => undefined);
      if (state?.paused) await this.engine.unpause().catch(() => undefined);
      await this.engine.remove({ force: true, v: true }).catch((error: unknown) => {
        if (!isGone(error)) throw error;
      });
    })();
    return this.removal;
  }

  private async untilState(goal: string, reached: (state: ContainerState) => boolean): Promise<void> {
    await waitFor(async () => reached(await this.state()), {
      description: `the ${this.name} container to be ${goal}`,
      timeoutMs: CONTAINER_GONE_TIMEOUT_MS,
      intervalMs: 20,
    });
  }

  private async untilExited(): Promise<{ at: number; state: ContainerState }> {
    const state = await waitFor(
      async () => {
        const now = await this.state();
        return now.running ? undefined : now;
      },
      { description: `the ${this.name} container to exit`, timeoutMs: CONTAINER_GONE_TIMEOUT_MS, intervalMs: 20 },
    );
    return { at: performance.now(), state };
  }

  private async refresh(): Promise<void> {
    const { NetworkSettings } = await this.engine.inspect();
    this.address = NetworkSettings.Networks?.[this.networkName]?.IPAddress ?? "";
    if (!this.address) throw new Error(`the ${this.name} container has no address on network ${this.networkName}`);
  }
}

/** The engine's answer for a container that no longer exists: removing it again is done. */
function isGone(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404 || /no such container/i.test((error as Error).message);
}

/** A stop signal as engines report it ("SIGINT", "INT" or "2") by name; Docker's default when unset. */
function signalName(signal: string | undefined): string {
  if (!signal) return "SIGTERM";
  if (/^\d+$/.test(signal)) return Object.entries(constants.signals).find(([, number]) => number === Number(signal))?.[0] ?? signal;
  return signal.startsWith("SIG") ? signal : `SIG${signal}`;
}
