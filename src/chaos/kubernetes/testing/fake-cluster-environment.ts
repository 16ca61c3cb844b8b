import type {
  ChaosEnvironment,
  PipelineDatabase,
  ServiceName,
  PipelineLaunchRequest,
  PipelineProcess,
  PipelineProgress,
  SeedObject,
} from "../../core/index.ts";
import { FakeEnvironment, type FakePipelineBehaviour } from "../../testing/index.ts";
import { pipelinePodName } from "../env/kubernetes-pipeline-process.ts";
import { KubernetesEnvironment } from "../env/kubernetes-env.ts";
import type { KubernetesFaultLibrary } from "../faults/kubernetes-fault-library.ts";
import { DEFAULT_FAKE_OPTIONS } from "./fake-cluster-kit.ts";
import { FakeKubeApi, type FakeKubeApiOptions } from "./fake-kube-api.ts";
import { matchesLabels } from "./fake-kube-store.ts";
import { podReady } from "./fake-pods.ts";

/** How often a Job pod's metrics follow its simulated run. */
const MIRROR_EVERY_MS = 10;

export interface FakeClusterEnvironmentOptions {
  fake?: FakeKubeApiOptions;
  /** How the runs into databases of each label ("golden", "experiment") commit objects. */
  pipelines?: Partial<Record<string, FakePipelineBehaviour>>;
}

/**
 * A whole experiment's environment on the fake API server: the real
 * KubernetesEnvironment launches the pipeline as Jobs, scrapes it through the
 * pod proxy and injects Chaos Mesh objects, while the bucket and the
 * databases are FakeEnvironment's in-memory ones. Each Job's pod plays a
 * FakePipelineProcess: its commits land in the fake database and are served
 * as the pod's Prometheus metrics, the pod completes (exit 0) when that run
 * is done, and a deleted pod ends it where it stood. Postgres answers pings
 * only while every one of its pods is Ready.
 */
export class FakeClusterEnvironment implements ChaosEnvironment {
  readonly kind = "kubernetes";
  readonly isLocal = false;
  readonly target: string;
  readonly bucket: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly fake: FakeKubeApi,
    readonly cluster: KubernetesEnvironment,
    private readonly data: FakeEnvironment,
  ) {
    this.target = cluster.target;
    this.bucket = data.bucket;
    // A pod that has started but whose run is not attached yet has committed nothing (not the fake's default counters).
    const zero = metricsText({ objectsDone: 0, pairsWritten: 0, retries: 0, quarantined: 0 });
    this.timers.add(setInterval(() => fake.jobs.pods.forEach((pod) => (pod.metrics ??= zero)), MIRROR_EVERY_MS / 2));
  }

  static async start(options: FakeClusterEnvironmentOptions = {}): Promise<FakeClusterEnvironment> {
    const fake = await FakeKubeApi.start({ ...DEFAULT_FAKE_OPTIONS, ...options.fake });
    const cluster = await KubernetesEnvironment.start({
      target: {
        kubeconfigPath: fake.kubeconfigPath,
        namespace: "chaos",
        allowedNamespaces: ["chaos"],
        injectTimeoutMs: 5_000,
        removeTimeoutMs: 5_000,
        log: () => undefined,
      },
      database: { url: "postgres://scale:unused@127.0.0.1:1/postgres" },
      s3: { endpoint: "http://127.0.0.1:1", bucket: "fake-bucket" },
      pipeline: { image: "registry.example/chaos-control:test", startTimeoutMs: 5_000 },
    });
    const postgres = cluster.config.target.workloads.postgres;
    const postgresReady = () => {
      const pods = fake.pods(postgres.namespace).filter((pod) => matchesLabels(pod.metadata.labels, { ...postgres.labels }));
      return pods.length > 0 && pods.every(podReady);
    };
    const data = new FakeEnvironment({
      isLocal: false,
      pipelines: options.pipelines ?? {},
      ping: (service) => {
        if (service === "postgres" && !postgresReady()) throw new Error("connect ECONNREFUSED: no Postgres pod is Ready");
        return 1;
      },
    });
    return new FakeClusterEnvironment(fake, cluster, data);
  }

  createDatabase(label: string): Promise<PipelineDatabase> {
    return this.data.createDatabase(label);
  }

  seed(objects: Iterable<SeedObject>): Promise<number> {
    return this.data.seed(objects);
  }

  pipelineConfig(): never {
    throw new Error("the fake cluster runs no in-process pipeline");
  }

  async launchPipeline(request: PipelineLaunchRequest): Promise<PipelineProcess> {
    const process = await this.cluster.launchPipeline(request);
    const podName = pipelinePodName(process);
    const run = await this.data.launchPipeline(request);
    const timer = setInterval(() => {
      const pod = this.fake.jobs.pods.get(podName);
      if (!pod) {
        clearInterval(timer);
        void run.kill();
        return;
      }
      run.progress().then(
        (progress) => (pod.metrics = metricsText(progress)),
        () => undefined,
      );
    }, MIRROR_EVERY_MS);
    this.timers.add(timer);
    void run.exited.then((exit) => {
      if (this.fake.jobs.pods.has(podName) && exit.code !== null) this.fake.jobs.finish(podName, exit.code);
    });
    return process;
  }

  createFaults(): KubernetesFaultLibrary {
    return this.cluster.createFaults();
  }

  ping(service: ServiceName, timeoutMs: number): Promise<number> {
    return this.data.ping(service, timeoutMs);
  }

  /** Stops the Kubernetes environment (deleting what it created), then the fake API server. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const timer of this.timers) clearInterval(timer);
      try {
        await this.cluster.stop();
      } finally {
        await this.data.stop();
        await this.fake.stop();
      }
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** The pipeline's own counters (src/pipeline/metrics.ts), as its /metrics serves them. */
function metricsText(progress: PipelineProgress): string {
  return [
    "# TYPE scale_objects_committed_total counter",
    `scale_objects_committed_total ${progress.objectsDone}`,
    "# TYPE scale_objects_quarantined_total counter",
    `scale_objects_quarantined_total{stage="parse",reason="not-midi"} ${progress.quarantined}`,
    "# TYPE scale_retries_total counter",
    `scale_retries_total{operation="write",reason="connection-lost"} ${progress.retries}`,
    "# TYPE scale_rows_written_total counter",
    `scale_rows_written_total{table="filepair_similarity_score"} ${progress.pairsWritten}`,
    "",
  ].join("\n");
}
