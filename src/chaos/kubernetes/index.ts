/**
 * Chaos on a Kubernetes cluster: Chaos Mesh objects (chaos-mesh.org/v1alpha1)
 * built from typed inputs, a client layer on @kubernetes/client-node, fault
 * handles that follow Chaos Mesh's own conditions, the fault library, and the
 * environment that runs the pipeline as a Job. Every write goes through the
 * GuardedCluster: allowed and marked namespaces only, dry-run, tracked for cleanup.
 */
export {
  CHAOS_MESH_API_VERSION,
  CHAOS_MESH_GROUP,
  CHAOS_MESH_VERSION,
  CHAOS_PLURALS,
  SELECTION_MODES,
  type ChaosCommonInput,
  type ChaosKind,
  type ChaosMeshObject,
  type PodSelectionInput,
  type PodSelectorInput,
  type SelectionMode,
} from "./chaos-mesh/chaos-object.ts";
export { podChaos, POD_CHAOS_ACTIONS, type PodChaos, type PodChaosAction, type PodChaosInput } from "./chaos-mesh/pod-chaos.ts";
export { networkChaos, type NetworkChaos, type NetworkChaosAction, type NetworkChaosInput, type NetworkDirection } from "./chaos-mesh/network-chaos.ts";
export { stressChaos, type StressChaos, type StressChaosInput } from "./chaos-mesh/stress-chaos.ts";
export { ioChaos, type IOChaos, type IOChaosInput, type IoMethod } from "./chaos-mesh/io-chaos.ts";
export { httpChaos, type HTTPChaos, type HTTPChaosInput, type HttpChaosFault } from "./chaos-mesh/http-chaos.ts";
export { conditionStatus, selectedPods, recordTimes, type ChaosConditionType, type ChaosObjectState, type ChaosStatus } from "./chaos-mesh/chaos-status.ts";
export { KubeClient, type CustomResource, type KubeClientOptions, type KubeObject } from "./client/kube-client.ts";
export type { WatchEvent, WatchSubscription } from "./client/object-watch.ts";
export {
  ALLOW_CHAOS_KEY,
  CLUSTER_WORKLOADS,
  resolveKubernetesTarget,
  labelSelectorString,
  type ClusterWorkload,
  type KubernetesTarget,
  type KubernetesTargetInput,
  type WorkloadSelector,
  type WorkloadSelectorInput,
} from "./target/kubernetes-target.ts";
export { kubernetesTargetFromEnv, TARGET_VARIABLES } from "./target/target-from-env.ts";
export { ChaosGuard } from "./target/chaos-guard.ts";
export { GuardedCluster, chaosResource, type CreatedChaos, type PlannedWrite } from "./target/guarded-cluster.ts";
export { ObjectTracker, type TrackedObject } from "./target/object-tracker.ts";
export { injectChaos, type ChaosFaultObservations, type InjectChaosOptions } from "./faults/chaos-fault.ts";
export { KubernetesFaultLibrary, type KubernetesFaultLibraryOptions, type VolumeFaultSpec } from "./faults/kubernetes-fault-library.ts";
export { kubernetesFaults } from "./faults/kubernetes-faults.ts";
export type { PacketLossOptions } from "./faults/network-fault-mapping.ts";
export type { WorkloadStressOptions } from "./faults/pod-fault-mapping.ts";
export type { DeletePodsOptions } from "./faults/cluster-faults.ts";
export type { DrainOutcome } from "./faults/node-drain.ts";
export { KubernetesEnvironment, withDatabase } from "./env/kubernetes-env.ts";
export { resolveKubernetesEnvironmentConfig, type KubernetesEnvironmentConfig, type KubernetesEnvironmentInput } from "./env/kubernetes-env-config.ts";
export { kubernetesEnvironmentInputFromEnv, ENVIRONMENT_VARIABLES } from "./env/environment-from-env.ts";
export { pipelineJobObjects, type PipelineJobObjects } from "./env/pipeline-job.ts";
export { pipelinePodName } from "./env/kubernetes-pipeline-process.ts";
export { faultWindow, prometheusSamples, type PrometheusSeries, type TimeWindow } from "./monitoring/prometheus-samples.ts";
export { progressFromPrometheusText } from "./env/pipeline-metrics.ts";
export { ChaosRefusedError, KubernetesApiError, KubernetesConfigError, NothingSelectedError, PrometheusQueryError } from "./errors.ts";
