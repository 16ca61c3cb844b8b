import { Gauge, Pushgateway, Registry } from "prom-client";

/**
 * The suite's own series: `chaos_fault_active{experiment,fault,kind}` (1
 * while a fault is in effect, 0 after, so dashboards can shade chaos windows
 * next to the pipeline's metrics) and each experiment's outcome
 * (experiment-outcome-metrics.ts). Pushed to a Prometheus Pushgateway when
 * `CHAOS_PUSHGATEWAY_URL` is set (best effort: a missing gateway never fails
 * an experiment).
 */
export const faultActivityRegistry = new Registry();
const active = new Gauge({
  name: "chaos_fault_active",
  help: "1 while a chaos experiment's fault is in effect, 0 once removed.",
  labelNames: ["experiment", "fault", "kind"],
  registers: [faultActivityRegistry],
});

export async function markFaultActive(experiment: string, fault: string, kind: string, isActive: boolean): Promise<void> {
  active.set({ experiment, fault, kind }, isActive ? 1 : 0);
  await pushChaosSeries();
}

/** Pushes every series of {@link faultActivityRegistry} when CHAOS_PUSHGATEWAY_URL is set. */
export async function pushChaosSeries(): Promise<void> {
  const url = process.env.CHAOS_PUSHGATEWAY_URL;
  if (!url) return;
  await new Pushgateway(url, { timeout: 2_000 }, faultActivityRegistry).pushAdd({ jobName: "chaos-control" }).catch(() => undefined);
}
