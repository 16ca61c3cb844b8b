// Child process for the Ctrl-C test: connects to the fake API server whose
// kubeconfig is argv[2], injects two Chaos Mesh faults, reports their object
// names on stdout, then waits to be interrupted.
import { KubeClient } from "../client/kube-client.ts";
import { KubernetesFaultLibrary } from "../faults/kubernetes-fault-library.ts";
import { GuardedCluster } from "../target/guarded-cluster.ts";
import { resolveKubernetesTarget } from "../target/kubernetes-target.ts";

const target = resolveKubernetesTarget({ kubeconfigPath: process.argv[2], namespace: "chaos", allowedNamespaces: ["chaos"] });
const faults = new KubernetesFaultLibrary({ cluster: new GuardedCluster(KubeClient.fromKubeconfig(target), target) });
const partition = await faults.partition("postgres");
const stress = await faults.cpuPressure({ workers: 1 });
process.stdout.write(`${JSON.stringify({ objects: [partition.observations.object, stress.observations.object] })}\n`);
setInterval(() => undefined, 60_000);
