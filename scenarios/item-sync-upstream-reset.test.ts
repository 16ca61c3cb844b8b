import { expect } from "vitest";
import {
  afterProgress,
  chaosTest,
  dependencyAnswersWithin,
  dependencyLatencyProbe,
  fault,
  faultNamed,
  samplesWhileActive,
  throughput,
} from "../src/chaos/experiment/index.ts";
import { ITEMS, itemSyncSystem } from "../examples/item-sync/item-sync-system.ts";
import { startItemsUpstream } from "../examples/item-sync/items-upstream.ts";

const ITEM_COUNT = 600;

chaosTest(
  "Equipment failure: every connection to item-sync's HTTP upstream is reset for 4 s; it retries the page and loses or repeats no item",
  async ({ experiment }) => {
    await using upstream = await startItemsUpstream({ items: ITEM_COUNT });
    const journal = await experiment({
      id: "item-sync-upstream-reset",
      title: "item-sync: connections to its items upstream reset by peer for 4 s",
      cause: "equipment-failure",
      system: itemSyncSystem({ upstreamUrl: upstream.url, items: ITEM_COUNT }),
      corpus: [],
      hypothesis: [throughput({ atLeast: 0.3 }), dependencyAnswersWithin(ITEMS, 500)],
      method: [
        fault("reset items upstream", ({ dependencies }) => dependencies.toxic(ITEMS, { type: "reset_peer", stream: "upstream", attributes: { timeout: 0 } }))
          .when(afterProgress(0.2))
          .for(4_000),
      ],
      budget: { recoveryMs: 8_000 },
    });

    const reset = faultNamed(journal, "reset items upstream");
    const roundTrips = samplesWhileActive(journal, reset, dependencyLatencyProbe(ITEMS));
    expect(roundTrips.length).toBeGreaterThan(3);
    expect(roundTrips.filter((sample) => sample.error !== undefined).length).toBeGreaterThan(roundTrips.length / 2); // the fault happened
    expect(journal.figures.retries).toBeGreaterThan(0); // and item-sync met it

    expect(journal).toHaveCompleted();
    expect(journal).toMatchTheGoldenOutput();
    expect(journal).toRecoverWithinBudget();
  },
);
