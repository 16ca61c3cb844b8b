/** Test doubles for the Kubernetes layer: a fake API server with Chaos Mesh and Job behaviour, and Chaos Mesh's CRD schemas as a validator. */
export { FakeKubeApi, type FakeKubeApiOptions, type RecordedRequest } from "./fake-kube-api.ts";
export type { FakeChaosTiming } from "./fake-chaos-controller.ts";
export type { FakePodInput } from "./fake-pods.ts";
export { startFakeCluster, DEFAULT_FAKE_OPTIONS, WORKLOAD_LABELS, type FakeClusterKit } from "./fake-cluster-kit.ts";
export { CrdValidator, CRD_DIR, crdsAvailable } from "./crd-validator.ts";
export { FakeClusterEnvironment, type FakeClusterEnvironmentOptions } from "./fake-cluster-environment.ts";
