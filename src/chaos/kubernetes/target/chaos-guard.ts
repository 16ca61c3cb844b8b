import type { KubeClient } from "../client/kube-client.ts";
import { ChaosRefusedError } from "../errors.ts";
import { ALLOW_CHAOS_KEY } from "./kubernetes-target.ts";

/**
 * The safety rule for writes: a namespace must be in the allowed list AND
 * carry `chaos-control.io/allow-chaos: "true"` (as a label or an annotation),
 * read from the API server at the moment of each write, so taking the label
 * off stops the next injection. Nodes (cluster-wide) need the same mark.
 */
export class ChaosGuard {
  constructor(
    private readonly client: KubeClient,
    private readonly allowedNamespaces: readonly string[],
  ) {}

  async checkNamespace(namespace: string): Promise<void> {
    if (!this.allowedNamespaces.includes(namespace)) {
      throw new ChaosRefusedError("namespace", namespace, `it is not in the allowed namespaces (${this.allowedNamespaces.join(", ")})`);
    }
    const found = await this.client.readNamespace(namespace);
    if (!found) throw new ChaosRefusedError("namespace", namespace, "it does not exist");
    if (!carriesMark(found.metadata)) {
      throw new ChaosRefusedError(
        "namespace",
        namespace,
        `it lacks the label or annotation ${ALLOW_CHAOS_KEY}: "true" (kubectl label namespace ${namespace} ${ALLOW_CHAOS_KEY}=true)`,
      );
    }
  }

  /** Cordon and drain act on every namespace of a node: the node itself must opt in. */
  async checkNode(node: string): Promise<void> {
    const found = await this.client.readNode(node);
    if (!found) throw new ChaosRefusedError("node", node, "it does not exist");
    if (!carriesMark(found.metadata))
      throw new ChaosRefusedError(
        "node",
        node,
        `it lacks the label or annotation ${ALLOW_CHAOS_KEY}: "true" (kubectl label node ${node} ${ALLOW_CHAOS_KEY}=true)`,
      );
  }
}

function carriesMark(metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined): boolean {
  return metadata?.labels?.[ALLOW_CHAOS_KEY] === "true" || metadata?.annotations?.[ALLOW_CHAOS_KEY] === "true";
}
