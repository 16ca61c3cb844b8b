import { GremlinTargetRefusedError } from "./errors.ts";
import { GREMLIN_VARIABLES } from "./gremlin-config.ts";

/**
 * The blast-radius rule for Gremlin, in the project's pattern (the
 * experiment's CHAOS_ALLOW_TARGET, the Kubernetes ChaosGuard): an attack may
 * hit only targets named exactly in GREMLIN_ALLOW_TARGETS, and the list is read
 * at each attack, so emptying it stops the next one. Checked before anything
 * is sent to Gremlin.
 */
export function checkTargetsAllowed(targets: readonly string[], allowed: readonly string[]): void {
  for (const target of targets) {
    if (allowed.includes(target)) continue;
    const hint = `opt in with ${GREMLIN_VARIABLES.allowTargets}="${[...allowed, target].join(",")}"`;
    throw new GremlinTargetRefusedError(
      target,
      allowed.length === 0 ? `no target is opted in; ${hint}` : `it is not in ${GREMLIN_VARIABLES.allowTargets} (${allowed.join(", ")}); ${hint}`,
    );
  }
}

/** GREMLIN_ALLOW_TARGETS as a list (empty when unset). */
export function allowedTargetsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[GREMLIN_VARIABLES.allowTargets] ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
}
