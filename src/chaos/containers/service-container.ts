import { constants } from "node:os";
import { getContainerRuntimeClient, type ContainerRuntimeClient, type StartedTestContainer } from "testcontainers";
import { type ServiceName, waitFor } from "../core/index.ts";

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
 * filesystem. After every start its address on the environment's network and
 * its published ports are read again, since an engine may change both.
 */
export class ServiceContainer {
  private ports = new Map<number, number>();
  private address = "";
  private removal: Promise<void> | undefined;
  /** Runs after every restart, once the service is ready (the environment re-points its proxy). */
  onRestarted: ((container: ServiceContainer) => Promise<void>) | undefined;

  private constructor(
    readonly name: ServiceName,
    private readonly started: StartedTestContainer,
    private readonly engine: EngineContainer,
    private readonly networkName: string,
    private readonly untilReady: (container: ServiceContainer) => Promise<void>,
  ) {}

  /** Wraps a started container; `untilReady` resolves once the service answers (used after restarts). */
  static async wrap(name: ServiceName, started: StartedTestContainer, networkName: string, untilReady: (container: ServiceContainer) => Promise<void>): Promise<ServiceContainer> {
    const client = await getContainerRuntimeClient();
    const container = new ServiceContainer(name, started, client.container.getById(started.getId()), networkName, untilReady);
    await container.refresh();
    return container;
  }

  get id(): string {
    return this.started.getId();
  }

  /** The short ID `docker ps` shows. */
  get shortId(): string {
    return this.id.slice(0, 12);
  }

  /** Host the published ports are on (TESTCONTAINERS_HOST_OVERRIDE, or the engine's). */
  get host(): string {
    return this.started.getHost();
  }

  /** Its address on the environment's network, where other containers reach it. */
  get ipAddress(): string {
    return this.address;
  }

  /** The host port `containerPort` is published on now. */
  mappedPort(containerPort: number): number {
    const port = this.ports.get(containerPort);
    if (port === undefined) throw new Error(`${this.name} container publishes no port ${containerPort}`);
    return port;
  }

  async state(): Promise<ContainerState> {
    const { State } = await this.engine.inspect();
    return {
      status: State.Status,
      running: State.Running,
      paused: State.Paused,
      pid: State.Running && State.Pid > 0 ? State.Pid : undefined,
      exitCode: State.Running ? undefined : State.ExitCode,
    };
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

  /** `docker pause`: every process of the container frozen (cgroup freezer); sockets stay open, nothing answers. */
  async pause(): Promise<{ pid: number | undefined; at: number }> {
    const { pid } = await this.state();
    await this.engine.pause();
    return { pid, at: performance.now() };
  }

  async resume(): Promise<void> {
    await this.engine.unpause();
  }

  /** `docker start` on the same filesystem; resolves once the service answers again. */
  async restart(): Promise<{ pid: number | undefined; readyAfterMs: number }> {
    const started = performance.now();
    await this.engine.start();
    await this.refresh();
    await this.untilReady(this);
    await this.onRestarted?.(this);
    return { pid: (await this.state()).pid, readyAfterMs: performance.now() - started };
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
      await this.started.stop({ timeout: 0, removeVolumes: true }).catch(async (error: unknown) => {
        await this.engine.remove({ force: true, v: true }).catch(() => {
          throw error;
        });
      });
    })();
    return this.removal;
  }

  private async untilExited(): Promise<{ at: number; state: ContainerState }> {
    const state = await waitFor(async () => {
      const now = await this.state();
      return now.running ? undefined : now;
    }, { description: `the ${this.name} container to exit`, timeoutMs: CONTAINER_GONE_TIMEOUT_MS, intervalMs: 20 });
    return { at: performance.now(), state };
  }

  private async refresh(): Promise<void> {
    const { NetworkSettings } = await this.engine.inspect();
    const ports = new Map<number, number>();
    for (const [key, bindings] of Object.entries(NetworkSettings.Ports ?? {})) {
      const hostPort = bindings?.[0]?.HostPort;
      if (hostPort) ports.set(Number.parseInt(key, 10), Number(hostPort));
    }
    this.ports = ports;
    this.address = NetworkSettings.Networks?.[this.networkName]?.IPAddress ?? "";
    if (!this.address) throw new Error(`the ${this.name} container has no address on network ${this.networkName}`);
  }
}

/** A stop signal as engines report it ("SIGINT", "INT" or "2") by name; Docker's default when unset. */
function signalName(signal: string | undefined): string {
  if (!signal) return "SIGTERM";
  if (/^\d+$/.test(signal)) return Object.entries(constants.signals).find(([, number]) => number === Number(signal))?.[0] ?? signal;
  return signal.startsWith("SIG") ? signal : `SIG${signal}`;
}
