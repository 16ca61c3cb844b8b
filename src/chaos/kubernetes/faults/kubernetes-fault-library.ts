import { randomBytes } from "node:crypto";
import {
  type ServiceName,
  createFaultHandle,
  effectSeen,
  removeAll,
  type FaultDescription,
  type FaultHandle,
  type FaultLibrary,
  type DownOptions,
  type PauseOptions,
  type S3FaultSpec,
  type ConnectionExhaustionOptions,
  type CpuPressureOptions,
  type MemoryPressureOptions,
} from "../../core/index.ts";
import { exhaustPostgresConnections } from "../../faults/index.ts";
import type { PostgresRuleSpec } from "../../postgres-proxy/index.ts";
import type { ToxicSpec } from "../../toxiproxy/index.ts";
import type { ChaosMeshObject } from "../chaos-mesh/chaos-object.ts";
import { ioChaos, type IOChaosInput } from "../chaos-mesh/io-chaos.ts";
import type { GuardedCluster } from "../target/guarded-cluster.ts";
import type { ClusterWorkload } from "../target/kubernetes-target.ts";
import { injectChaos } from "./chaos-fault.ts";
import { cordonNode, deletePods, drainNodeFault, type DeletePodsOptions } from "./cluster-faults.ts";
import { common, describeWorkload, description, unsupported, type MappingContext } from "./fault-mapping.ts";
import { lossChaos, partitionChaos, toxicChaos, type PacketLossOptions } from "./network-fault-mapping.ts";
import { cpuChaos, killChaos, memoryChaos, pauseChaos, stopChaos, workloadCpuChaos, type WorkloadStressOptions } from "./pod-fault-mapping.ts";
import { s3Chaos } from "./s3-fault-mapping.ts";
import { waitForWorkloadReady } from "./workload-readiness.ts";

export interface KubernetesFaultLibraryOptions {
  /** Where and how objects are written (safety rules, dry-run, tracking). */
  cluster: GuardedCluster;
  /** The cluster's Postgres as reachable from this process (e.g. a port-forward), for exhaustConnections. Contains a password: never logged. */
  databaseUrl?: string;
  /** Container port of the in-cluster S3 server (e.g. 9000 for MinIO); without it, S3 is outside the cluster and S3 faults are unsupported. */
  s3Port?: number;
  /** How long a service's pods may take to be Ready again after kill/stop/pause is removed (default 120 s). */
  readyTimeoutMs?: number;
}

/** An IOChaos on a workload's volume; selector, name and namespace come from the library. */
export type VolumeFaultSpec = IOChaosInput extends infer Input
  ? Input extends IOChaosInput
    ? Omit<Input, "name" | "namespace" | "labels" | "selector" | "mode" | "value">
    : never
  : never;

const READY_TIMEOUT_MS = 120_000;

/**
 * The fault library on a Kubernetes cluster: faults become Chaos Mesh objects
 * on the pods the target's label selectors name (see each mapping for what
 * is approximated or unsupported), plus pod deletion and node cordon/drain
 * through the core API for clusters without Chaos Mesh.
 */
export class KubernetesFaultLibrary implements FaultLibrary {
  private readonly handles: FaultHandle[] = [];
  private readonly runId = randomBytes(3).toString("hex");
  private sequence = 0;

  constructor(private readonly options: KubernetesFaultLibraryOptions) {}

  get injected(): readonly FaultHandle[] {
    return this.handles;
  }

  /** What dry-run would have written so far (empty unless dry-run). */
  get planned() {
    return this.options.cluster.planned;
  }

  kill(target: ServiceName, options: DownOptions = {}): Promise<FaultHandle> {
    return this.track(async () => this.injectWithRecovery(killChaos(target, options, this.context("kill", target)), target));
  }

  stop(target: ServiceName, options: DownOptions = {}): Promise<FaultHandle> {
    return this.track(async () => this.injectWithRecovery(stopChaos(target, options, this.context("stop", target)), target));
  }

  pause(target: ServiceName, options: PauseOptions = {}): Promise<FaultHandle> {
    return this.track(async () => this.injectWithRecovery(pauseChaos(target, options, this.context("pause", target)), target));
  }

  toxic(service: ServiceName, spec: ToxicSpec): Promise<FaultHandle> {
    return this.track(async () => this.inject(toxicChaos(service, spec, this.context(`toxic-${spec.type.replace("_", "-")}`, service))));
  }

  partition(service: ServiceName): Promise<FaultHandle> {
    return this.track(async () => this.inject(partitionChaos(service, this.context("partition", service))));
  }

  s3(spec: S3FaultSpec): Promise<FaultHandle> {
    return this.track(async () => {
      if (this.options.s3Port === undefined)
        throw unsupported(`s3 ${spec.type}`, "the S3 endpoint is outside the cluster (set the in-cluster S3 port to use HTTPChaos on it)");
      return this.inject(s3Chaos(spec, this.options.s3Port, this.context(`s3-${spec.type}`, "s3")));
    });
  }

  postgres(rule: PostgresRuleSpec): Promise<FaultHandle> {
    return Promise.reject(
      unsupported(
        `postgres ${rule.type}`,
        "the pipeline reaches Postgres inside the cluster, where no protocol proxy of this project sits in its path; Chaos Mesh acts on packets and pods and cannot answer a statement with an error or drop a COMMIT's acknowledgement",
      ),
    );
  }

  exhaustConnections(options: Omit<ConnectionExhaustionOptions, "connectionUri"> = {}): Promise<FaultHandle> {
    return this.track(async () => {
      const { databaseUrl, cluster } = this.options;
      if (databaseUrl === undefined) throw unsupported("exhaustConnections", "no database URL reachable from this process was configured");
      await cluster.checkNamespace(cluster.target.workloads.postgres.namespace);
      if (cluster.dryRun) {
        cluster.target.log(`[dry-run] would open Postgres sessions until the server refuses (reserve ${options.reserve ?? 0})`);
        return createFaultHandle(
          description("postgres/connection-exhaustion", "overload", "postgres", { ...options }),
          { dryRun: true },
          async () => undefined,
          effectSeen("dry run: nothing injected"),
        );
      }
      return exhaustPostgresConnections({ ...options, connectionUri: databaseUrl });
    });
  }

  cpuPressure(options: CpuPressureOptions): Promise<FaultHandle> {
    return this.track(async () => this.inject(cpuChaos(options, this.context("cpu", "pipeline"))));
  }

  memoryPressure(options: MemoryPressureOptions): Promise<FaultHandle> {
    return this.track(async () => this.inject(memoryChaos(options, this.context("memory", "pipeline"))));
  }

  /**
   * Drops `percent` of the packets between a workload's pods and the
   * pipeline's, both ways (NetworkChaos `loss`). `pods: "one"` hits one of
   * the workload's pods, e.g. a single Postgres read replica.
   */
  packetLoss(workload: ClusterWorkload, options: PacketLossOptions): Promise<FaultHandle> {
    return this.track(async () => this.inject(lossChaos(workload, options, this.context("loss", workload))));
  }

  /** Busy CPU workers inside a workload's pods (StressChaos), e.g. Postgres starved of CPU; cpuPressure is the pipeline's own. */
  stress(workload: ClusterWorkload, options: WorkloadStressOptions): Promise<FaultHandle> {
    return this.track(async () => this.inject(workloadCpuChaos(workload, options, this.context("stress", workload))));
  }

  /** Slow or failing file-system calls on a workload's volume (IOChaos). */
  volumeFault(workload: ClusterWorkload, spec: VolumeFaultSpec): Promise<FaultHandle> {
    return this.track(async () => {
      const context = this.context(`io-${spec.action}`, workload);
      const object = ioChaos({ ...common(context, workload), ...spec } as IOChaosInput);
      return this.inject({
        object,
        description: description(
          `io/${spec.action}`,
          spec.action === "latency" ? "overload" : "equipment-failure",
          `volume ${spec.volumePath} of ${describeWorkload(workload, context.workloads[workload])}`,
          { ...spec },
        ),
      });
    });
  }

  /** Deletes a workload's pods through the core API (no Chaos Mesh needed); removal waits until they are Ready again. */
  deletePods(workload: ClusterWorkload, options: DeletePodsOptions = {}): Promise<FaultHandle> {
    return this.track(() => deletePods(this.options.cluster, workload, options, this.readyTimeoutMs));
  }

  /** Marks a node unschedulable (core API); removal uncordons it. The node must carry chaos-control.io/allow-chaos=true. */
  cordonNode(node: string): Promise<FaultHandle> {
    return this.track(() => cordonNode(this.options.cluster, node));
  }

  /** Cordons a node and evicts its pods (core API); removal uncordons it. The node must carry chaos-control.io/allow-chaos=true. */
  drainNode(node: string, options: { timeoutMs?: number } = {}): Promise<FaultHandle> {
    return this.track(() => drainNodeFault(this.options.cluster, node, options.timeoutMs ?? this.readyTimeoutMs));
  }

  removeAll(): Promise<void> {
    return removeAll(this.handles);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.removeAll();
  }

  private get readyTimeoutMs(): number {
    return this.options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  }

  private context(verb: string, workload: ClusterWorkload): MappingContext {
    const { target } = this.options.cluster;
    return {
      name: `${verb}-${workload}-${this.runId}-${++this.sequence}`,
      namespace: target.namespace,
      labels: { "app.kubernetes.io/managed-by": "chaos-control", "chaos-control.io/run": this.runId },
      durationMs: target.maxFaultDurationMs,
      workloads: target.workloads,
    };
  }

  private inject(mapped: { object: ChaosMeshObject; description: FaultDescription }): Promise<FaultHandle> {
    return injectChaos(this.options.cluster, mapped.object, mapped.description);
  }

  /** Like inject; removal then waits until the service's pods are all Ready again (`readyAfterMs` from the delete request). */
  private injectWithRecovery(mapped: { object: ChaosMeshObject; description: FaultDescription }, service: ServiceName): Promise<FaultHandle> {
    const { cluster } = this.options;
    return injectChaos(cluster, mapped.object, mapped.description, {
      afterRemoval: async (removalStartedAt) => {
        const readyPods = await waitForWorkloadReady(cluster.client, cluster.target.workloads[service], service, this.readyTimeoutMs);
        return { readyPods, readyAfterMs: performance.now() - removalStartedAt };
      },
    });
  }

  private async track(inject: () => Promise<FaultHandle>): Promise<FaultHandle> {
    const handle = await inject();
    this.handles.push(handle);
    return handle;
  }
}
