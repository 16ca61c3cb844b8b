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
const LATENCY_MS = 300;

chaosTest("Overload: item-sync's HTTP upstream answers 300 ms late for 4 s; the sync slows down and catches up within its budget", async ({ experiment }) => {
  await using upstream = await startItemsUpstream({ items: ITEM_COUNT });
  const journal = await experiment({
    id: "item-sync-upstream-latency",
    title: "item-sync: its items upstream 300 ms late for 4 s",
    cause: "overload",
    system: itemSyncSystem({ upstreamUrl: upstream.url, items: ITEM_COUNT }),
    corpus: [],
    hypothesis: [throughput({ atLeast: 0.3 }), dependencyAnswersWithin(ITEMS, 150)],
    method: [
      fault("slow items upstream", ({ dependencies }) =>
        dependencies.toxic(ITEMS, { type: "latency", stream: "downstream", attributes: { latency: LATENCY_MS, jitter: 0 } }),
      )
        .when(afterProgress(0.2))
        .for(4_000),
    ],
    budget: { recoveryMs: 5_000 },
  });

  const slow = faultNamed(journal, "slow items upstream");
  // Round trips that ended before the removal began (removedAt is stamped once the removal is seen, a few ms later):
  // one still in flight then is answered as soon as the toxic is gone (CI once saw 94 ms, ending 3 ms before removedAt).
  const removalStarts = slow.injectedAt! + slow.plannedDurationMs!;
  const roundTrips = samplesWhileActive(journal, slow, dependencyLatencyProbe(ITEMS)).filter(
    (sample) => sample.value !== null && sample.at + sample.value <= removalStarts,
  );
  expect(roundTrips.length).toBeGreaterThan(3);
  expect(Math.min(...roundTrips.map((sample) => sample.value!))).toBeGreaterThanOrEqual(LATENCY_MS); // the fault happened
  expect(journal.figures.throughputDuringFault).toBeLessThan(0.3); // and the sync felt it

  expect(journal).toHaveCompleted();
  expect(journal).toMatchTheGoldenOutput();
  expect(journal).toRecoverWithinBudget();
});
