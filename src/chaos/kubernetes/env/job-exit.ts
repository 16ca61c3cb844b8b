import type { V1Job, V1Pod } from "@kubernetes/client-node";
import type { PipelineExit } from "../../core/index.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { PIPELINE_CONTAINER } from "./pipeline-job.ts";

/** Lines of the pod's log kept for failure messages. */
const OUTPUT_TAIL_LINES = 40;
/** Pause before watching again after the stream ended. */
const REWATCH_DELAY_MS = 200;

/** Whether the Job has finished: a Complete or Failed condition that is True. */
export function jobFinished(job: V1Job): boolean {
  return (job.status?.conditions ?? []).some((condition) => (condition.type === "Complete" || condition.type === "Failed") && condition.status === "True");
}

/** Watches a Job (reading again whenever the stream ends) until it finishes or is deleted; resolves with its last state, or undefined once gone. */
export async function followJob(client: KubeClient, namespace: string, name: string, stopped: () => boolean = () => false): Promise<V1Job | undefined> {
  for (;;) {
    const job = await client.readJob(namespace, name).catch(() => null);
    if (job === undefined) return undefined;
    if (job && jobFinished(job)) return job;
    if (stopped()) return job ?? undefined;
    let finished: V1Job | undefined;
    let gone = false;
    try {
      const subscription = await client.watchJob(namespace, name, job?.metadata?.resourceVersion, (event) => {
        if (event.type === "DELETED") gone = true;
        else if (jobFinished(event.object)) finished = event.object;
        if (gone || finished) subscription.stop();
      });
      await subscription.ended;
    } catch {
      // watched again below
    }
    if (finished) return finished;
    if (gone) return undefined;
    await new Promise((resolve) => setTimeout(resolve, REWATCH_DELAY_MS));
  }
}

/** How the pod's pipeline container ended, from its terminated state; a 137/143 exit is the SIGKILL/SIGTERM the runtime reports that way. */
export function exitOfPod(pod: V1Pod | undefined, killedWith: string | undefined, outputTail: string): PipelineExit {
  const status = pod?.status?.containerStatuses?.find((container) => container.name === PIPELINE_CONTAINER) ?? pod?.status?.containerStatuses?.[0];
  const terminated = status?.state?.terminated;
  if (!terminated) return { code: null, signal: killedWith ?? null, outputTail };
  const bySignal = terminated.exitCode === 137 ? "SIGKILL" : terminated.exitCode === 143 ? "SIGTERM" : undefined;
  if (bySignal) return { code: null, signal: bySignal, outputTail };
  return { code: terminated.exitCode, signal: null, outputTail };
}

/** The pod's exit as far as the API still knows it once its Job has finished (or was deleted). */
export async function readPodExit(client: KubeClient, namespace: string, pod: string, killedWith: string | undefined): Promise<PipelineExit> {
  const [state, outputTail] = await Promise.all([client.readPod(namespace, pod).catch(() => undefined), client.podLogTail(namespace, pod, OUTPUT_TAIL_LINES)]);
  return exitOfPod(state, killedWith, outputTail);
}
