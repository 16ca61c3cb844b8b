import { randomBytes } from "node:crypto";
import type { FakeKubeStore, StoredObject } from "./fake-kube-store.ts";
import { PODS, podObject, podStatus } from "./fake-pods.ts";

export const JOBS = "batch/v1/jobs";
/** After a Job is created, until its pod is Running (ms). */
const POD_START_DELAY_MS = 30;

/** A Job's pod as the fake runs it. */
export interface FakeJobPod {
  job: string;
  namespace: string;
  name: string;
  startedAt: number;
  /** Served at the pod proxy's /metrics; defaults to counters that grow with time. */
  metrics?: string;
}

/**
 * A stand-in for the Job controller and the kubelet: a created Job gets one
 * Running pod (labels from its template, `job-name`), which serves
 * Prometheus metrics through the pod proxy until it finishes or is deleted.
 * With backoffLimit 0, a deleted or failed pod fails the Job.
 */
export class FakeJobController {
  readonly pods = new Map<string, FakeJobPod>();
  /** What each job pod wrote, kept after it ends (as the kubelet keeps a finished container's log). */
  readonly logs = new Map<string, string>();

  constructor(private readonly store: FakeKubeStore) {}

  created(job: StoredObject): void {
    const { namespace, name } = job.metadata;
    this.store.update(JOBS, namespace, name, (stored) => (stored.status = { active: 1, startTime: new Date().toISOString() }));
    setTimeout(() => {
      if (!this.store.get(JOBS, namespace, name)) return;
      const template = (job.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template;
      const podName = `${name}-${randomBytes(3).toString("hex").slice(0, 5)}`;
      this.store.create(
        PODS,
        podObject({ namespace: namespace!, name: podName, labels: { ...template?.metadata?.labels, "job-name": name }, ownerKind: "Job", ownerName: name }),
      );
      this.pods.set(podName, { job: name, namespace: namespace!, name: podName, startedAt: performance.now() });
      this.logs.set(podName, "pipeline started\n");
    }, POD_START_DELAY_MS).unref();
  }

  /** The pod's process exits with `exitCode`: the pod ends, and the Job completes or fails. */
  finish(podName: string, exitCode: number): void {
    const pod = this.pods.get(podName);
    if (!pod) throw new Error(`no job pod ${podName}`);
    this.logs.set(podName, `${this.logs.get(podName) ?? ""}${exitCode === 0 ? "done\n" : `pipeline failed (exit ${exitCode})\n`}`);
    this.store.update(
      PODS,
      pod.namespace,
      podName,
      (stored) => (stored.status = podStatus(exitCode === 0 ? "Succeeded" : "Failed", false, { exitCode, reason: exitCode === 0 ? "Completed" : "Error" })),
    );
    this.pods.delete(podName);
    this.endJob(pod, exitCode === 0);
  }

  /** A job pod was deleted (e.g. killed with grace period 0): the Job fails, as with backoffLimit 0. */
  podDeleted(pod: StoredObject): void {
    const tracked = this.pods.get(pod.metadata.name);
    if (!tracked) return;
    this.pods.delete(pod.metadata.name);
    this.logs.delete(pod.metadata.name);
    this.endJob(tracked, false);
  }

  /** Deleting a Job deletes its pods too (background propagation). */
  jobDeleted(job: StoredObject): void {
    for (const pod of [...this.pods.values()].filter((tracked) => tracked.job === job.metadata.name)) {
      this.pods.delete(pod.name);
      this.store.finishDeletion(PODS, pod.namespace, pod.name);
    }
  }

  /** Prometheus text for a running pod, or undefined when it does not run. */
  metrics(podName: string): string | undefined {
    const pod = this.pods.get(podName);
    if (!pod) return undefined;
    if (pod.metrics !== undefined) return pod.metrics;
    const done = Math.floor((performance.now() - pod.startedAt) / 10);
    return [
      "# HELP scale_objects_parsed_total MIDI files read into instruments.",
      "# TYPE scale_objects_parsed_total counter",
      `scale_objects_parsed_total ${done}`,
      "# TYPE scale_objects_quarantined_total counter",
      'scale_objects_quarantined_total{stage="parse",reason="not-midi"} 2',
      "# TYPE scale_retries_total counter",
      'scale_retries_total{operation="download",reason="ECONNRESET"} 3',
      'scale_retries_total{operation="write",reason="connection-lost"} 1',
      "# TYPE scale_rows_written_total counter",
      `scale_rows_written_total{table="filepair_similarity_score"} ${done * 2}`,
      `scale_rows_written_total{table="filename_instrument"} ${done * 3}`,
      "",
    ].join("\n");
  }

  private endJob(pod: FakeJobPod, succeeded: boolean): void {
    const now = new Date().toISOString();
    this.store.update(JOBS, pod.namespace, pod.job, (job) => {
      job.status = {
        startTime: (job.status as { startTime?: string } | undefined)?.startTime,
        ...(succeeded ? { succeeded: 1, completionTime: now } : { failed: 1 }),
        conditions: [
          { type: succeeded ? "Complete" : "Failed", status: "True", reason: succeeded ? undefined : "BackoffLimitExceeded", lastTransitionTime: now },
        ],
      };
    });
  }
}
