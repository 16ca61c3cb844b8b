import {
  type ServiceName,
  createFaultHandle,
  effectSeen,
  removeAll,
  type FaultHandle,
  UnsupportedFaultError,
  type FaultLibrary,
  type FaultRequest,
} from "../core/index.ts";

/** How the fake fault library behaves. */
export interface FakeFaultOptions {
  /** Fault methods (e.g. "pause") whose removal throws. */
  failRemoval?: readonly string[];
  /** Fault methods that throw {@link UnsupportedFaultError}. */
  unsupported?: readonly string[];
  /** The library also says so before anything runs (its `refusal`), as the external environment's does. */
  refusesUpFront?: boolean;
  /** Called when a fault is undone, e.g. to leave a marker another process can see. */
  onUndo?: (fault: string) => void;
}

/** A fault library whose faults do nothing but record their undo. */
export class FakeFaultLibrary implements FaultLibrary {
  readonly injected: FaultHandle[] = [];
  /** Faults undone, as `<method> <target>`, in order. */
  readonly undone: string[] = [];

  readonly refusal?: (request: FaultRequest) => UnsupportedFaultError | undefined;

  constructor(private readonly options: FakeFaultOptions) {
    if (options.refusesUpFront) this.refusal = ({ method, args }) => this.unsupported(method, String(args[0] ?? method));
  }

  kill(target: ServiceName): Promise<FaultHandle> {
    return this.inject("kill", target);
  }

  stop(target: ServiceName): Promise<FaultHandle> {
    return this.inject("stop", target);
  }

  pause(target: ServiceName): Promise<FaultHandle> {
    return this.inject("pause", target);
  }

  toxic(service: ServiceName, spec: unknown): Promise<FaultHandle> {
    return this.inject("toxic", service, { spec });
  }

  partition(service: ServiceName): Promise<FaultHandle> {
    return this.inject("partition", service);
  }

  s3(spec: unknown): Promise<FaultHandle> {
    return this.inject("s3", "s3", { spec });
  }

  postgres(rule: unknown): Promise<FaultHandle> {
    return this.inject("postgres", "postgres", { rule });
  }

  exhaustConnections(): Promise<FaultHandle> {
    return this.inject("exhaustConnections", "postgres");
  }

  cpuPressure(options: unknown): Promise<FaultHandle> {
    return this.inject("cpuPressure", "cpu", { options });
  }

  memoryPressure(options: unknown): Promise<FaultHandle> {
    return this.inject("memoryPressure", "memory", { options });
  }

  removeAll(): Promise<void> {
    return removeAll(this.injected);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.removeAll();
  }

  private unsupported(method: string, target: string): UnsupportedFaultError | undefined {
    if (!this.options.unsupported?.includes(method)) return undefined;
    return new UnsupportedFaultError(`${method} ${target}`, "fake", "the fake environment cannot do that");
  }

  private async inject(method: string, target: string, parameters: Record<string, unknown> = {}): Promise<FaultHandle> {
    const name = `${method} ${target}`;
    const unsupported = this.unsupported(method, target);
    if (unsupported) throw unsupported;
    const handle = createFaultHandle(
      { kind: `fake/${method}`, cause: "equipment-failure", target, parameters },
      { fake: true },
      async () => {
        if (this.options.failRemoval?.includes(method)) throw new Error(`cannot undo ${name}`);
        this.undone.push(name);
        this.options.onUndo?.(name);
      },
      effectSeen("a fake fault has no effect to observe"),
    );
    this.injected.push(handle);
    return handle;
  }
}
