import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { completedScenario, failedScenarioWithIntegrityDifference } from "../report/testing/index.ts";
import { experimentOutcome, recordExperimentOutcome } from "./experiment-outcome-metrics.ts";
import { markFaultActive } from "./fault-activity.ts";

const saved = process.env.CHAOS_PUSHGATEWAY_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.CHAOS_PUSHGATEWAY_URL;
  else process.env.CHAOS_PUSHGATEWAY_URL = saved;
});

describe("experiment outcome metrics", () => {
  it("a completed run with intact tables within budget passes; an integrity failure does not", () => {
    const good = completedScenario();
    expect(experimentOutcome(good)).toEqual({
      passed: true,
      recoverySeconds: good.figures.recoveryMs! / 1000,
      budgetSeconds: good.budget.recoveryMs / 1000,
      integrityOk: true,
    });
    expect(experimentOutcome(failedScenarioWithIntegrityDifference())).toMatchObject({ passed: false, integrityOk: false });
  });

  it("are pushed to the Pushgateway together with chaos_fault_active", async () => {
    const bodies: { url: string; body: string }[] = [];
    const gateway = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        bodies.push({ url: request.url ?? "", body });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    try {
      process.env.CHAOS_PUSHGATEWAY_URL = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
      const journal = { ...completedScenario(), id: "outcome-metrics-test" };
      await markFaultActive(journal.id, "slow S3", "latency", false);
      await recordExperimentOutcome(journal, Date.UTC(2026, 11, 7) + 500);
      const last = bodies.at(-1)!;
      expect(last.url).toBe("/metrics/job/chaos-control");
      const labels = `{experiment="outcome-metrics-test",environment="${journal.environment.kind}"}`;
      expect(last.body).toContain(`chaos_experiment_passed${labels} 1`);
      expect(last.body).toContain(`chaos_experiment_recovery_seconds${labels} ${journal.figures.recoveryMs! / 1000}`);
      expect(last.body).toContain(`chaos_experiment_recovery_budget_seconds${labels} ${journal.budget.recoveryMs / 1000}`);
      expect(last.body).toContain(`chaos_experiment_integrity_ok${labels} 1`);
      expect(last.body).toContain(`chaos_experiment_last_run_timestamp_seconds${labels} ${Date.UTC(2026, 11, 7) / 1000 + 1}`);
      expect(last.body).toContain('chaos_fault_active{experiment="outcome-metrics-test",fault="slow S3",kind="latency"} 0');
    } finally {
      await new Promise((resolve) => gateway.close(resolve));
    }
  });
});
