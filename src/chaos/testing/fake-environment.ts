import type {
  ChaosEnvironment,
  PipelineDatabase,
  ServiceName,
  PipelineExit,
  PipelineLaunchRequest,
  PipelineProcess,
  PipelineProgress,
  FaultHandle,
  FaultLibrary,
  SeedObject,
} from "../core/index.ts";
import type { TableSnapshot } from "../integrity/index.ts";
import { FakeFaultLibrary, type FakeFaultOptions } from "./fake-fault-library.ts";

export { FakeFaultLibrary, type FakeFaultOptions } from "./fake-fault-library.ts";

/** How a fake pipeline process behaves. */
export interface FakePipelineBehaviour {
  /** Objects committed per second (default 100). */
  objectsPerSecond?: number;
  /** Commits this many objects per transaction (default 1): counters move in steps. */
  batch?: number;
  /** Exits this long after its last commit, as a pipeline finishing its later stages would (default 0). */
  lingerMs?: number;
  /** Retried operations per second (default 0). */
  retriesPerSecond?: number;
  /** Exits 0 once every object is committed (default), keeps running forever, or exits with `code` `afterMs` after launch. */
  exit?: "when-done" | "never" | { code: number; afterMs: number; outputTail: string };
  /** Keys (relative to the run's prefix) this run never writes into its database, as if it lost them. */
  loses?: readonly string[];
  /** How a later process on the same database behaves (an operator's rerun); default the same as this one. */
  rerun?: FakePipelineBehaviour;
}

export interface FakeEnvironmentOptions {
  isLocal?: boolean;
  target?: string;
  /** Behaviour of the pipelines launched on databases created with this label ("golden", "experiment"). */
  pipelines?: Partial<Record<string, FakePipelineBehaviour>>;
  /** Answers a ping in this many ms, or throws (default 1 ms). */
  ping?: (service: ServiceName) => number;
  faults?: FakeFaultOptions;
  /** Called when a pipeline process ends, e.g. to leave a marker another process can see. */
  onPipelineEnd?: (id: string, by: "stop" | "kill" | "itself") => void;
}

/** A fake database: which of the run's input keys were committed, in seed order. */
interface FakeDatabase {
  owner: FakeEnvironment;
  label: string;
  committed: number;
  lost: Set<string>;
  prefix: string | undefined;
  launches: number;
}

const databases = new Map<string, FakeDatabase>();

/**
 * An in-process {@link ChaosEnvironment} with no process and no port: the
 * pipeline is a timer whose counters grow at a set rate, faults are handles
 * whose removals are recorded, and every call is recorded for assertions.
 */
export class FakeEnvironment implements ChaosEnvironment {
  readonly kind = "embedded";
  readonly target: string;
  readonly isLocal: boolean;
  readonly bucket = "fake-bucket";
  readonly seeded: SeedObject[] = [];
  readonly databases: PipelineDatabase[] = [];
  readonly launched: FakePipelineProcess[] = [];
  readonly faultLibraries: FakeFaultLibrary[] = [];
  readonly pings: { service: ServiceName; timeoutMs: number }[] = [];
  stopped = false;

  constructor(private readonly options: FakeEnvironmentOptions = {}) {
    this.isLocal = options.isLocal ?? true;
    this.target = options.target ?? "fake (in this process)";
  }

  /** Every fault injected through any library of this environment. */
  get injected(): readonly FaultHandle[] {
    return this.faultLibraries.flatMap((library) => library.injected);
  }

  /** Every fault undone, as `<method> <target>`, in order. */
  get undone(): readonly string[] {
    return this.faultLibraries.flatMap((library) => library.undone);
  }

  async createDatabase(label: string): Promise<PipelineDatabase> {
    const name = `${label}_${databases.size}`;
    const database = { name, url: `fake://${name}` };
    databases.set(database.url, { owner: this, label, committed: 0, lost: new Set(), prefix: undefined, launches: 0 });
    this.databases.push(database);
    return database;
  }

  async seed(objects: Iterable<SeedObject>): Promise<number> {
    const before = this.seeded.length;
    this.seeded.push(...objects);
    return this.seeded.length - before;
  }

  pipelineConfig(): never {
    throw new Error("the fake environment runs no in-process pipeline");
  }

  async launchPipeline(request: PipelineLaunchRequest): Promise<PipelineProcess> {
    const database = databaseNamed(request.database);
    const declared = this.options.pipelines?.[database.label] ?? {};
    const behaviour = database.launches++ > 0 ? (declared.rerun ?? declared) : declared;
    database.prefix = request.prefix;
    for (const key of behaviour.loses ?? []) database.lost.add(request.prefix + key);
    const total = this.seeded.filter((object) => object.key.startsWith(request.prefix)).length;
    const process = new FakePipelineProcess(`fake ${this.launched.length + 1}`, database, total, behaviour, this.options.onPipelineEnd);
    this.launched.push(process);
    return process;
  }

  createFaults(): FaultLibrary {
    const library = new FakeFaultLibrary(this.options.faults ?? {});
    this.faultLibraries.push(library);
    return library;
  }

  async ping(service: ServiceName, timeoutMs: number): Promise<number> {
    this.pings.push({ service, timeoutMs });
    return this.options.ping?.(service) ?? 1;
  }

  /** The keys of the seeded objects, in seed order. */
  keysUnder(prefix: string): string[] {
    return this.seeded.map((object) => object.key).filter((key) => key.startsWith(prefix));
  }

  /** What the fake pipeline "wrote" into the database at `url`: one instrument row per committed key. */
  snapshot(url: string): TableSnapshot {
    const database = databases.get(url);
    if (!database) throw new Error(`no fake database at ${url}`);
    const keys =
      database.prefix === undefined
        ? []
        : this.keysUnder(database.prefix)
            .slice(0, database.committed)
            .filter((key) => !database.lost.has(key));
    const relative = (key: string) => key.slice(database.prefix!.length);
    return {
      instruments: keys.map((key) => ({
        filename: relative(key),
        instrumentIndex: 0,
        track: 0,
        channel: 0,
        program: 0,
        isDrum: false,
        name: "Acoustic Grand Piano",
        noteCount: 1,
      })),
      pairs: [],
      quarantined: [],
      recordedKeys: keys,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** What the fake pipeline wrote into the fake database at `url`: a stand-in for `snapshotTables(url)`. */
export async function snapshotOfFakeDatabase(url: string): Promise<TableSnapshot> {
  const database = databases.get(url);
  if (!database) throw new Error(`no fake database at ${url}`);
  return database.owner.snapshot(url);
}

function databaseNamed(name: string): FakeDatabase {
  const database = databases.get(`fake://${name}`);
  if (!database) throw new Error(`no fake database named ${name}`);
  return database;
}

/** A fake pipeline process: commits `objectsPerSecond` from launch, resuming where the database's previous run stopped. */
export class FakePipelineProcess implements PipelineProcess {
  readonly exited: Promise<PipelineExit>;
  readonly launchedAt = performance.now();
  /** How it ended: by the experiment's stop(), by kill(), or on its own. */
  endedBy: "stop" | "kill" | "itself" | undefined;
  private resolveExit!: (exit: PipelineExit) => void;
  private readonly alreadyCommitted: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    private readonly database: FakeDatabase,
    private readonly total: number,
    private readonly behaviour: FakePipelineBehaviour,
    private readonly onEnd?: (id: string, by: "stop" | "kill" | "itself") => void,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.alreadyCommitted = database.committed;
    const exit = behaviour.exit ?? "when-done";
    if (exit === "when-done") {
      const ms = ((total - this.alreadyCommitted) * 1000) / this.rate + (behaviour.lingerMs ?? 0);
      this.timer = setTimeout(() => this.end("itself", { code: 0, signal: null, outputTail: "done" }), Math.ceil(ms) + 1);
    } else if (exit !== "never") {
      this.timer = setTimeout(() => this.end("itself", { code: exit.code, signal: null, outputTail: exit.outputTail }), exit.afterMs);
    }
  }

  private get rate(): number {
    return this.behaviour.objectsPerSecond ?? 100;
  }

  /** Objects this process committed so far. */
  private committedByThisProcess(): number {
    const elapsed = performance.now() - this.launchedAt;
    const remaining = this.total - this.alreadyCommitted;
    const batch = this.behaviour.batch ?? 1;
    const committed = Math.floor((elapsed * this.rate) / 1000);
    return committed >= remaining ? remaining : Math.floor(committed / batch) * batch;
  }

  async progress(): Promise<PipelineProgress> {
    if (this.endedBy) throw new Error(`${this.id} is not running`);
    const elapsed = performance.now() - this.launchedAt;
    const objectsDone = this.committedByThisProcess();
    this.database.committed = this.alreadyCommitted + objectsDone;
    return {
      objectsDone,
      pairsWritten: 0,
      retries: Math.floor((elapsed * (this.behaviour.retriesPerSecond ?? 0)) / 1000),
      quarantined: 0,
    };
  }

  /** Makes it exit now, e.g. to let a test end a run that would otherwise hang. */
  exitNow(exit: PipelineExit = { code: 0, signal: null, outputTail: "done" }): void {
    this.end("itself", exit);
  }

  async kill(): Promise<{ id: string; signal: string }> {
    this.end("kill", { code: null, signal: "SIGKILL", outputTail: "" });
    return { id: this.id, signal: "SIGKILL" };
  }

  async stop(): Promise<void> {
    this.end("stop", { code: null, signal: "SIGTERM", outputTail: "stopped" });
    await this.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private end(by: "stop" | "kill" | "itself", exit: PipelineExit): void {
    if (this.endedBy) return;
    this.database.committed = this.alreadyCommitted + this.committedByThisProcess();
    this.endedBy = by;
    clearTimeout(this.timer);
    this.resolveExit(exit);
    this.onEnd?.(this.id, by);
  }
}
