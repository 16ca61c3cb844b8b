import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { hasTool, needs, readRepoFile, run } from "./infra-tools.ts";

/** A rendered manifest, checked field by field (`any` keeps those checks short). */
type K8sObject = Record<string, any>;

const ENVIRONMENTS = ["dev", "staging"] as const;
const SECRET_NAME = "scale-pipeline";

function render(dir: string): K8sObject[] {
  const result = run("kubectl", ["kustomize", dir]);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as K8sObject)
    .filter(Boolean);
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the rendered manifests`);
  return found;
}

function podSpec(job: K8sObject): K8sObject {
  return job.spec.template.spec;
}

function allContainers(pod: K8sObject): K8sObject[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

function envValue(container: K8sObject, name: string): string | undefined {
  return container.env?.find((e: K8sObject) => e.name === name)?.value;
}

function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === "Gi" ? 1024 : 1);
}

function isSubset(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

describe.each(ENVIRONMENTS)("kubectl kustomize infra/k8s/overlays/%s", (environment) => {
  const namespace = `scale-${environment}`;
  const objects = hasTool("kubectl") ? render(`infra/k8s/overlays/${environment}`) : [];
  const jobs = () => objects.filter((o) => o.kind === "Job");
  const extract = () => find(objects, "Job", "scale-extract");
  const similarity = () => find(objects, "Job", "scale-similarity");

  it.skipIf(!hasTool("kubectl"))(`puts every object in ${namespace}${needs("kubectl")}`, () => {
    expect(objects.length).toBeGreaterThan(5);
    for (const object of objects.filter((o) => o.kind !== "Namespace"))
      expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe(namespace);
  });

  it.skipIf(!hasTool("kubectl"))(`runs extraction as an Indexed Job, one shard per completion${needs("kubectl")}`, () => {
    const job = extract();
    expect(job.spec.completionMode).toBe("Indexed");
    expect(job.spec.completions).toBeGreaterThanOrEqual(2);
    expect(job.spec.parallelism).toBe(job.spec.completions);
    const container = podSpec(job).containers[0];
    expect(envValue(container, "SHARD_COUNT")).toBe(String(job.spec.completions));
    // Kubernetes sets it per pod; a fixed value would give every pod the same shard.
    expect(container.env.map((e: K8sObject) => e.name)).not.toContain("JOB_COMPLETION_INDEX");
    expect(container.args).toContain("--stages=extract");
    expect(podSpec(job).restartPolicy).toBe("Never");
  });

  it.skipIf(!hasTool("kubectl"))(`runs similarity as an Indexed Job after extraction, one shard per completion${needs("kubectl")}`, () => {
    const job = similarity();
    expect(job.spec.completionMode).toBe("Indexed");
    expect(job.spec.completions).toBeGreaterThanOrEqual(2);
    expect(job.spec.parallelism).toBe(job.spec.completions);
    expect(job.spec.backoffLimitPerIndex).toBeGreaterThan(0);
    expect(job.spec.podReplacementPolicy).toBe("Failed");
    const pod = podSpec(job);
    expect(pod.containers[0].args).toContain("--stages=similarity");
    expect(envValue(pod.containers[0], "SHARD_COUNT")).toBe(String(job.spec.completions));
    expect(pod.containers[0].env.map((e: K8sObject) => e.name)).not.toContain("JOB_COMPLETION_INDEX");
    const waiter = pod.initContainers?.[0];
    expect(waiter?.name).toBe("wait-for-extraction");
    expect(envValue(waiter, "WAIT_FOR_JOB")).toBe(extract().metadata.name);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(Number(envValue(waiter, "WAIT_TIMEOUT_SECONDS")));
    const script = find(objects, "ConfigMap", pod.volumes.find((v: K8sObject) => v.name === "wait-script").configMap.name);
    expect(Object.keys(script.data)).toEqual(["wait-for-job.mjs"]);
  });

  it.skipIf(!hasTool("kubectl"))(`gives only the waiting init container API access, to read one Job${needs("kubectl")}`, () => {
    for (const account of objects.filter((o) => o.kind === "ServiceAccount")) expect(account.automountServiceAccountToken, account.metadata.name).toBe(false);
    for (const job of jobs()) expect(podSpec(job).automountServiceAccountToken, job.metadata.name).toBe(false);
    expect(objects.filter((o) => o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding")).toEqual([]);

    const roles = objects.filter((o) => o.kind === "Role");
    expect(roles).toHaveLength(1);
    expect(roles[0]!.rules).toEqual([{ apiGroups: ["batch"], resources: ["jobs"], resourceNames: [extract().metadata.name], verbs: ["get"] }]);
    const bindings = objects.filter((o) => o.kind === "RoleBinding");
    expect(bindings).toHaveLength(1);
    expect(bindings[0]!.roleRef.name).toBe(roles[0]!.metadata.name);
    expect(bindings[0]!.subjects).toEqual([{ kind: "ServiceAccount", name: podSpec(similarity()).serviceAccountName, namespace }]);
    expect(podSpec(extract()).serviceAccountName).not.toBe(podSpec(similarity()).serviceAccountName);

    const pod = podSpec(similarity());
    const tokenVolumes = pod.volumes
      .filter((v: K8sObject) => v.projected?.sources?.some((s: K8sObject) => s.serviceAccountToken))
      .map((v: K8sObject) => v.name);
    expect(tokenVolumes).toHaveLength(1);
    const mounting = allContainers(pod).filter((c) => c.volumeMounts?.some((m: K8sObject) => tokenVolumes.includes(m.name)));
    expect(mounting.map((c) => c.name)).toEqual(["wait-for-extraction"]);
    const token = pod.volumes.find((v: K8sObject) => v.name === tokenVolumes[0]).projected.sources.find((s: K8sObject) => s.serviceAccountToken);
    expect(token.serviceAccountToken.expirationSeconds).toBeLessThanOrEqual(3600);
  });

  it.skipIf(!hasTool("kubectl"))(`runs every container non-root, read-only, without capabilities${needs("kubectl")}`, () => {
    for (const job of jobs()) {
      const pod = podSpec(job);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
      for (const container of allContainers(pod)) {
        const where = `${job.metadata.name}/${container.name}`;
        expect(container.securityContext.readOnlyRootFilesystem, where).toBe(true);
        expect(container.securityContext.allowPrivilegeEscalation, where).toBe(false);
        expect(container.securityContext.capabilities.drop, where).toEqual(["ALL"]);
        expect(container.securityContext.privileged, where).toBeUndefined();
      }
    }
  });

  it.skipIf(!hasTool("kubectl"))(`sizes every container, and V8's heap below its memory limit${needs("kubectl")}`, () => {
    for (const job of jobs()) {
      for (const container of allContainers(podSpec(job))) {
        const where = `${job.metadata.name}/${container.name}`;
        expect(container.resources?.requests?.cpu, where).toBeDefined();
        expect(container.resources?.requests?.memory, where).toBeDefined();
        expect(container.resources?.limits?.memory, where).toBeDefined();
        const heap = /--max-old-space-size=(\d+)/.exec(envValue(container, "NODE_OPTIONS") ?? "")?.[1];
        if (container.name === "pipeline") {
          expect(heap, where).toBeDefined();
          expect(Number(heap), where).toBeLessThan(mebibytes(container.resources.limits.memory));
          expect(Number(heap), where).toBeGreaterThan(mebibytes(container.resources.limits.memory) / 2);
        }
      }
    }
  });

  it.skipIf(!hasTool("kubectl"))(`pins the image and labels the pods for chaos selectors${needs("kubectl")}`, () => {
    for (const job of jobs()) {
      const template = job.spec.template;
      expect(template.metadata.labels["app.kubernetes.io/name"]).toBe("scale");
      expect(template.metadata.labels["app.kubernetes.io/component"]).toBe(job.metadata.name.replace("scale-", ""));
      for (const container of allContainers(template.spec)) {
        expect(container.image).toMatch(/^[^:@\s]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/);
        expect(container.image).not.toMatch(/:latest$/);
      }
    }
  });

  it.skipIf(!hasTool("kubectl"))(`configures through a ConfigMap, with every $(VAR) in args defined${needs("kubectl")}`, () => {
    for (const job of jobs()) {
      for (const container of podSpec(job).containers) {
        const defined = new Set<string>((container.env ?? []).map((e: K8sObject) => e.name));
        for (const source of container.envFrom ?? []) {
          const configMap = find(objects, "ConfigMap", source.configMapRef.name);
          for (const key of Object.keys(configMap.data)) defined.add(key);
        }
        for (const arg of container.args as string[]) {
          for (const [, variable] of arg.matchAll(/\$\((\w+)\)/g)) expect(defined, `${job.metadata.name}: ${arg}`).toContain(variable);
        }
        expect(defined).toContain("S3_BUCKET");
        expect(defined).toContain("DATABASE_URL");
      }
    }
    const config = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("scale-pipeline-config"))!;
    for (const [key, value] of Object.entries(config.data as Record<string, string>)) {
      expect(key).not.toMatch(/PASSWORD|SECRET|ACCESS_KEY|DATABASE_URL|API_TOKEN|AUTH_TOKEN/);
      expect(value, key).not.toMatch(/:\/\/[^/\s:@]+:[^@\s]+@/);
    }
  });

  it.skipIf(!hasTool("kubectl"))(`never renders a Secret; reads only keys the example declares${needs("kubectl")}`, () => {
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    const example = parse(readRepoFile("infra/k8s/base/secret.example.yaml")) as K8sObject;
    expect(example.metadata.name).toBe(SECRET_NAME);
    for (const value of Object.values(example.stringData) as string[]) expect(value).toContain("CHANGE_ME");
    for (const job of jobs()) {
      for (const container of allContainers(podSpec(job))) {
        for (const entry of container.env ?? []) {
          const ref = entry.valueFrom?.secretKeyRef;
          if (!ref) continue;
          expect(ref.name).toBe(SECRET_NAME);
          expect(Object.keys(example.stringData)).toContain(ref.key);
          if (entry.name.startsWith("AWS_")) expect(ref.optional, entry.name).toBe(true);
        }
      }
    }
  });

  it.skipIf(!hasTool("kubectl"))(`serves metrics on a named port, found by a headless Service and a ServiceMonitor${needs("kubectl")}`, () => {
    const service = find(objects, "Service", "scale-metrics");
    expect(service.spec.clusterIP).toBe("None");
    const servicePort = service.spec.ports.find((p: K8sObject) => p.name === "metrics");
    for (const job of jobs()) {
      expect(isSubset(service.spec.selector, job.spec.template.metadata.labels), `Service selects ${job.metadata.name}`).toBe(true);
      const container = podSpec(job).containers[0];
      const port = container.ports.find((p: K8sObject) => p.name === "metrics");
      expect(port.containerPort).toBe(servicePort.port);
      expect(container.args).toContain(`--metrics-port=${port.containerPort}`);
      expect(container.args).toContain("--metrics-host=0.0.0.0");
      expect(container.args.some((a: string) => a.startsWith("--metrics-linger-seconds="))).toBe(true);
    }
    const monitor = find(objects, "ServiceMonitor", "scale-pipeline");
    expect(monitor.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(isSubset(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
    expect(monitor.spec.endpoints.map((e: K8sObject) => e.port)).toEqual([servicePort.name]);
  });

  it.skipIf(!hasTool("kubectl"))(`lets only the monitoring namespace reach the pods${needs("kubectl")}`, () => {
    const policies = objects.filter((o) => o.kind === "NetworkPolicy");
    expect(policies).toHaveLength(1);
    const [policy] = policies;
    expect(policy!.spec.policyTypes).toEqual(["Ingress"]);
    expect(policy!.spec.ingress).toHaveLength(1);
    expect(policy!.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }]);
  });

  if (environment === "dev") {
    it.skipIf(!hasTool("kubectl"))(`creates its namespace as the only one Chaos Mesh may enter${needs("kubectl")}`, () => {
      const ns = find(objects, "Namespace", namespace);
      expect(ns.metadata.annotations["chaos-mesh.org/inject"]).toBe("enabled");
      expect(ns.metadata.labels["chaos-control.io/allow-chaos"]).toBe("true");
      expect(objects.filter((o) => o.kind === "Namespace")).toHaveLength(1);
    });
  } else {
    it.skipIf(!hasTool("kubectl"))(`reads S3 through IRSA and keeps to the pipeline nodes${needs("kubectl")}`, () => {
      const account = find(objects, "ServiceAccount", podSpec(extract()).serviceAccountName);
      expect(account.metadata.annotations["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/);
      const similarityAccount = find(objects, "ServiceAccount", podSpec(similarity()).serviceAccountName);
      expect(similarityAccount.metadata.annotations?.["eks.amazonaws.com/role-arn"]).toBeUndefined();
      for (const job of jobs()) expect(podSpec(job).nodeSelector).toEqual({ "scale.chaos-control/pool": "pipeline" });
      // Terraform owns the namespace there.
      expect(objects.filter((o) => o.kind === "Namespace")).toEqual([]);
    });
  }
});

describe("kubectl kustomize infra/k8s/chaos", () => {
  const objects = hasTool("kubectl") ? render("infra/k8s/chaos") : [];

  it.skipIf(!hasTool("kubectl"))(`selects pods in the pipeline namespace only, by their labels${needs("kubectl")}`, () => {
    const experiments = objects.filter((o) => o.apiVersion === "chaos-mesh.org/v1alpha1");
    expect(experiments.length).toBeGreaterThan(0);
    expect(experiments.length).toBe(objects.length);
    for (const experiment of experiments) {
      const selectors = [experiment.spec.selector, experiment.spec.target?.selector].filter(Boolean);
      for (const selector of selectors) {
        expect(selector.namespaces, experiment.metadata.name).toEqual(["scale-staging"]);
        expect(Object.keys(selector.labelSelectors ?? {}), experiment.metadata.name).toContain("app.kubernetes.io/name");
      }
      expect(experiment.spec.mode, experiment.metadata.name).toMatch(/^(one|all|fixed|fixed-percent|random-max-percent)$/);
    }
    const pipelinePodKill = experiments.find((e) => e.spec.selector.labelSelectors["app.kubernetes.io/component"] === "extract");
    expect(pipelinePodKill?.spec.selector.labelSelectors["app.kubernetes.io/name"]).toBe("scale");
  });
});
