/**
 * The fixture for scenarios only a cluster can run (scenarios/kubernetes/).
 * Test-runtime code: it imports Vitest, so it is not part of index.ts.
 */
import type { TestAPI, TestFunction } from "vitest";
import { chaosTest } from "./chaos-test.ts";
import { ENVIRONMENT_VARIABLE, selectedEnvironmentKind } from "./select-environment.ts";

type ChaosContext = typeof chaosTest extends TestAPI<infer Context> ? Context : never;

/** A cluster scenario runs two pipeline Jobs (scheduling, image pulls), faults of up to a minute and their recovery. */
export const CLUSTER_SCENARIO_TIMEOUT_MS = 15 * 60_000;

/** A variable a cluster scenario needs besides CHAOS_ENV=kubernetes, and what for. */
export interface ClusterScenarioNeed {
  variable: string;
  for: string;
}

/** Why a cluster scenario cannot run with these variables, or undefined when it can. */
export function clusterSkipReason(needs: readonly ClusterScenarioNeed[] = [], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const missing: string[] = [];
  if (selectedEnvironmentKind(env[ENVIRONMENT_VARIABLE]) !== "kubernetes")
    missing.push(`${ENVIRONMENT_VARIABLE}=kubernetes and a cluster with Chaos Mesh (see src/chaos/kubernetes/README.md)`);
  for (const need of needs) if (!env[need.variable]?.trim()) missing.push(`${need.variable} (${need.for})`);
  return missing.length === 0 ? undefined : `needs ${missing.join(", and ")}`;
}

/**
 * `chaosTest` for a scenario only a cluster can run. Anywhere else it is
 * skipped when the file is collected, with the reason in its name, so no
 * environment is started:
 *
 *     clusterTest("Equipment failure: …", async ({ experiment }) => { … });
 */
export function clusterTest(
  title: string,
  body: TestFunction<ChaosContext>,
  options: { needs?: readonly ClusterScenarioNeed[]; timeoutMs?: number } = {},
): void {
  const reason = clusterSkipReason(options.needs);
  chaosTest.skipIf(reason !== undefined)(
    reason === undefined ? title : `${title} — SKIPPED: ${reason}`,
    body,
    options.timeoutMs ?? CLUSTER_SCENARIO_TIMEOUT_MS,
  );
}
