import { expect } from "vitest";
import { afterProgress, fault, faultNamed, pipelineSteadyState, syntheticSongs, clusterTest } from "../../src/chaos/experiment/index.ts";
import { faultWindow, pipelinePodName, prometheusSamples } from "../../src/chaos/kubernetes/index.ts";

const PROMETHEUS = { variable: "CHAOS_PROMETHEUS_URL", for: "Prometheus's HTTP API, e.g. a port-forward to prometheus-operated:9090" };

clusterTest(
  "Equipment failure: while Postgres's pods fail for 30 s, Prometheus keeps scraping the pipeline's metrics; monitoring survives the chaos",
  async ({ experiment }) => {
    let pipelinePod = "";
    const journal = await experiment({
      id: "kubernetes-monitoring-survives-pod-failure",
      title: "Prometheus scrapes during a PodChaos pod-failure of Postgres for 30 s",
      cause: "equipment-failure",
      corpus: syntheticSongs(8000),
      hypothesis: pipelineSteadyState(),
      method: [
        fault("pod-failure of Postgres", ({ faults, pipeline }) => {
          pipelinePod = pipelinePodName(pipeline.currentProcess);
          return faults.stop("postgres");
        })
          .when(afterProgress(0.2))
          .for(30_000),
      ],
      pipeline: { writeBatchFiles: 20 },
      budget: { recoveryMs: 30_000 },
      timeLimitMs: 600_000,
    });

    const failure = faultNamed(journal, "pod-failure of Postgres");
    expect(failure.observations.selectedPods).not.toHaveLength(0);
    expect(failure.observations.conditions).toContainEqual(expect.objectContaining({ type: "AllInjected", status: true }));

    // Samples Prometheus scraped inside the fault window, each with its own scrape time: none is a stale value carried forward.
    const url = process.env[PROMETHEUS.variable]!;
    const window = faultWindow(journal, failure);
    const up = (await prometheusSamples(url, `up{pod="${pipelinePod}"}`, window)).flatMap((series) => series.samples);
    const committed = (await prometheusSamples(url, `scale_objects_committed_total{pod="${pipelinePod}"}`, window)).flatMap((series) => series.samples);
    const missing = `Prometheus has no fresh scrape of pod ${pipelinePod} between ${window.from.toISOString()} and ${window.until.toISOString()}; does it scrape the Jobs chaos-control launches? (src/chaos/kubernetes/README.md)`;
    // Scraped every 15 s (infra/k8s/base/service-monitor.yaml): any 30 s window holds at least two scrapes.
    expect(up.filter((sample) => sample.value === 1).length, missing).toBeGreaterThanOrEqual(2);
    expect(committed.length, missing).toBeGreaterThanOrEqual(2);

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
  { needs: [PROMETHEUS] },
);
