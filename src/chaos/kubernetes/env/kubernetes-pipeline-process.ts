import { waitFor, type PipelineExit, type PipelineProcess, type PipelineProgress } from "../../core/index.ts";
import type { GuardedCluster } from "../target/guarded-cluster.ts";
import type { TrackedObject } from "../target/object-tracker.ts";
import { followJob, readPodExit } from "./job-exit.ts";
import type { PipelineJobObjects } from "./pipeline-job.ts";
import { progressFromPrometheusText } from "./pipeline-metrics.ts";

/** Grace a stopped pod gets to end its run between writes (SIGTERM), in seconds. */
const STOP_GRACE_SECONDS = 10;
/** Beyond the grace period, how long stop() waits for the Job to report the end before killing. */
const STOP_MARGIN_MS = 15_000;
const GONE_TIMEOUT_MS = 60_000;

export interface PipelineJobOptions {
  metricsPort: number;
  startTimeoutMs: number;
}

/**
 * A pipeline run as a Kubernetes Job: progress is scraped through the API
 * server's pod proxy, kill() deletes the pod with grace period 0, and
 * `exited` follows the Job's status. stop() ends the run and deletes the Job
 * and its Secret.
 */
export class KubernetesPipelineProcess implements PipelineProcess {
  readonly id: string;
  readonly exited: Promise<PipelineExit>;
  private killedWith: string | undefined;
  private stopping: Promise<void> | undefined;
  private ended = false;

  private constructor(
    private readonly cluster: GuardedCluster,
    private readonly namespace: string,
    /** The Job running the pod. */
    readonly jobName: string,
    readonly podName: string,
    private readonly metricsPort: number,
    private readonly owned: TrackedObject[],
  ) {
    this.id = `pod ${podName}`;
    this.exited = followJob(cluster.client, namespace, jobName, () => this.ended)
      .then(() => readPodExit(cluster.client, namespace, podName, this.killedWith))
      .finally(() => (this.ended = true));
  }

  /** Creates the Secret and the Job and returns once the Job's pod has started; anything created is deleted again if that fails. */
  static async launch(cluster: GuardedCluster, objects: PipelineJobObjects, options: PipelineJobOptions): Promise<PipelineProcess> {
    const owned: TrackedObject[] = [];
    const namespace = objects.job.metadata!.namespace!;
    const jobName = objects.job.metadata!.name!;
    try {
      owned.push(await cluster.createSecret(objects.secret));
      owned.push((await cluster.createJob(objects.job)).tracked);
      if (cluster.dryRun) return dryRunProcess(jobName, owned);
      const podName = await waitFor(
        async () => {
          const pods = await cluster.client.listPods(namespace, `job-name=${jobName}`);
          const started = pods.find((pod) => pod.status?.phase !== undefined && pod.status.phase !== "Pending");
          return started?.metadata?.name;
        },
        { description: `the pod of Job ${namespace}/${jobName} to start`, timeoutMs: options.startTimeoutMs, intervalMs: 200 },
      );
      return new KubernetesPipelineProcess(cluster, namespace, jobName, podName, options.metricsPort, owned);
    } catch (error) {
      await Promise.allSettled(owned.reverse().map((object) => object.remove()));
      throw error;
    }
  }

  async progress(): Promise<PipelineProgress> {
    return progressFromPrometheusText(await this.cluster.client.podProxyGet(this.namespace, this.podName, this.metricsPort, "metrics"));
  }

  /** Deletes the pod with grace period 0 and resolves once it is gone. */
  async kill(): Promise<{ id: string; signal: string }> {
    this.killedWith ??= "SIGKILL";
    await this.cluster.deletePod(this.namespace, this.podName, 0);
    await waitFor(async () => (await this.cluster.client.readPod(this.namespace, this.podName)) === undefined, {
      description: `${this.id} to be gone`,
      timeoutMs: GONE_TIMEOUT_MS,
      intervalMs: 100,
    });
    return { id: this.id, signal: "SIGKILL" };
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.ended) {
        this.killedWith ??= "SIGTERM";
        await this.cluster.deletePod(this.namespace, this.podName, STOP_GRACE_SECONDS).catch(() => undefined);
        const finished = await Promise.race([
          this.exited.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_SECONDS * 1000 + STOP_MARGIN_MS).unref()),
        ]);
        if (!finished) await this.kill().catch(() => undefined);
      }
      this.ended = true;
      const results = await Promise.allSettled([...this.owned].reverse().map((object) => object.remove()));
      const failures = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
      if (failures.length > 0)
        throw new AggregateError(
          failures.map((failure) => failure.reason),
          `could not delete the objects of ${this.id}`,
        );
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** The pod a pipeline process runs in, when it is a Kubernetes Job's (throws a readable error for any other process). */
export function pipelinePodName(process: PipelineProcess | undefined): string {
  if (process instanceof KubernetesPipelineProcess) return process.podName;
  throw new Error(
    `the pipeline does not run as a Kubernetes Job's pod here (${process === undefined ? "no process is running" : process.id}): this needs CHAOS_ENV=kubernetes`,
  );
}

/** What launch returns in dry-run: the objects were printed, nothing runs. */
function dryRunProcess(jobName: string, owned: TrackedObject[]): PipelineProcess {
  const outputTail = `dry-run: Job ${jobName} was printed, not created`;
  const stop = async () => void (await Promise.allSettled(owned.map((object) => object.remove())));
  return {
    id: `job ${jobName} (dry-run)`,
    exited: Promise.resolve({ code: null, signal: null, outputTail }),
    progress: () => Promise.reject(new Error(outputTail)),
    kill: async () => ({ id: `job ${jobName} (dry-run)`, signal: "SIGKILL" }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
