import { expect } from "vitest";
import {
  afterProgress,
  answersWithin,
  chaosTest,
  dependencyAnswersWithin,
  fault,
  faultNamed,
  LATENCY_PROBE,
  samplesWhileActive,
  throughput,
} from "../src/chaos/experiment/index.ts";
import { ITEMS, itemSyncSystem } from "../examples/item-sync/item-sync-system.ts";
import { startItemsUpstream } from "../examples/item-sync/items-upstream.ts";

const ITEM_COUNT = 600;

chaosTest(
  "Equipment failure: item-sync's Postgres connections are reset (TCP RST) for 4 s; it retries, resumes where it stopped, and its table equals the golden run's",
  async ({ experiment }) => {
    await using upstream = await startItemsUpstream({ items: ITEM_COUNT });
    const journal = await experiment({
      id: "item-sync-postgres-connection-reset",
      title: "item-sync: connections to Postgres reset by peer for 4 s",
      cause: "equipment-failure",
      system: itemSyncSystem({ upstreamUrl: upstream.url, items: ITEM_COUNT }),
      corpus: [],
      hypothesis: [throughput({ atLeast: 0.3 }), answersWithin("postgres", 500), dependencyAnswersWithin(ITEMS, 500)],
      method: [
        fault("reset Postgres connections", ({ faults }) => faults.toxic("postgres", { type: "reset_peer", stream: "upstream", attributes: { timeout: 50 } }))
          .when(afterProgress(0.2))
          .for(4_000),
      ],
      budget: { recoveryMs: 8_000 },
    });

    const reset = faultNamed(journal, "reset Postgres connections");
    const pings = samplesWhileActive(journal, reset, LATENCY_PROBE.postgres);
    expect(pings.filter((ping) => ping.error !== undefined).length).toBeGreaterThan(pings.length / 2); // the fault happened
    expect(journal.figures.retries).toBeGreaterThan(0); // and item-sync met it

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
