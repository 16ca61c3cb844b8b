import { expect, test } from "vitest";
import { ENVIRONMENT_FAILURE_PREFIX, type ChaosEnvironment, type Journal, type PipelineRunRecord } from "../core/index.ts";
import type { ExperimentDefinition } from "./experiment-definition.ts";
import { writeJournal } from "../report/index.ts";
import { GoldenOutputCache } from "./golden-output.ts";
import { whyMethodNotReached } from "./journal-queries.ts";
import { runExperiment, UNSUPPORTED_PREFIX } from "./run-experiment.ts";
import { selectedEnvironmentKind, startEnvironment, type EnvironmentRequirements } from "./select-environment.ts";

interface ChaosFixtures {
  /** What the scenario needs from its environment; override with `chaosTest.scoped({ requirements: … })`. */
  requirements: EnvironmentRequirements;
  /** The environment picked by CHAOS_ENV (embedded by default), started for this scenario and stopped after it. */
  env: ChaosEnvironment;
  /** Runs an experiment, writes its journal and records its figures as JUnit properties. */
  experiment: (definition: ExperimentDefinition) => Promise<Journal>;
}

/**
 * Vitest's `test`, with a chaos environment and an experiment runner as
 * fixtures: a scenario file is one `chaosTest(...)` that runs one experiment
 * and asserts on its journal.
 */
export const chaosTest = declaredOnFirstUse(() => chaosFixtures());

/**
 * Vitest only lets fixtures be declared while it collects a test file.
 * Declared on first use, this module (and so the experiment area's door)
 * also loads where nothing is collected: the CLI running an experiment
 * file, and the package's consumers importing the experiment model.
 */
function declaredOnFirstUse<T extends object>(declare: () => T): T {
  let declared: T | undefined;
  const target = () => (declared ??= declare());
  return new Proxy((() => undefined) as unknown as T, {
    apply: (_function, thisArg, args: unknown[]) => Reflect.apply(target() as (...args: unknown[]) => unknown, thisArg, args),
    get: (_function, property) => Reflect.get(target(), property),
    has: (_function, property) => Reflect.has(target(), property),
  });
}

const chaosFixtures = () =>
  test.extend<ChaosFixtures>({
    requirements: [{}, { injected: true }],
    env: async ({ requirements, skip }, use) => {
      const env = await startEnvironment(selectedEnvironmentKind(), requirements).catch((error: unknown) => {
        // No container engine here: a visible skip with the reason, not a failure and not a silent pass.
        if (error instanceof Error && error.name === "ContainerEngineUnavailableError") skip(error.message);
        throw error;
      });
      try {
        await use(env);
      } finally {
        await env.stop();
      }
    },
    experiment: async ({ env, annotate, skip }, use) => {
      await use(async (definition) => {
        let path = "";
        const journal = await runExperiment(env, definition, {
          onJournal: async (finished) => (path = await writeJournal(finished)),
          goldenCache: GoldenOutputCache.fromEnvironment(),
        });
        for (const [name, value] of Object.entries(junitProperties(journal, path))) await annotate(value, name);
        if (journal.reason?.startsWith(UNSUPPORTED_PREFIX)) skip(journal.reason);
        // Said before any assertion on the journal: no fault or recovery verdict is worth reading then.
        if (journal.reason?.startsWith(ENVIRONMENT_FAILURE_PREFIX)) throw new Error(journal.reason);
        return journal;
      });
    },
  });

/** The journal's figures as JUnit properties (name → value), for PR checks. */
export function junitProperties(journal: Journal, path: string): Record<string, string> {
  const figures = journal.figures;
  return {
    status: journal.status,
    cause: journal.cause,
    environment: journal.environment.kind,
    recovery_ms: String(figures.recoveryMs ?? "none"),
    recovery_budget_ms: String(journal.budget.recoveryMs),
    detection_ms: String(figures.detectionMs ?? "none"),
    throughput_during_fault: String(figures.throughputDuringFault ?? "n/a"),
    baseline_throughput: String(figures.baselineThroughput),
    integrity: journal.integrity ? (journal.integrity.ok ? "ok" : "FAILED") : "not checked",
    integrity_detail: journal.integrity?.summary ?? journal.reason ?? "",
    ...(journal.rerun ? { first_run_exit: exitOf(journal.rerun.firstRun), rerun_exit: journal.rerun.rerun ? exitOf(journal.rerun.rerun) : "did not run" } : {}),
    journal: path,
  };
}

function exitOf(run: PipelineRunRecord): string {
  return run.signal ?? String(run.exitCode);
}

interface JournalMatchers<R = unknown> {
  /** The experiment ran to the end and the pipeline finished (exit 0). */
  toHaveCompleted(): R;
  /** The tables equal the golden output of a fault-free run, and every input object is accounted for. */
  toMatchTheGoldenOutput(): R;
  /** Every fault was injected and removed, and the steady state was back within the scenario's budget. */
  toRecoverWithinBudget(): R;
  /**
   * The first run failed loudly: it exited with a non-zero code (not killed
   * by a signal) and its last output lines match `error`; then the operator's
   * rerun, with every fault removed, exited 0 and the experiment completed.
   */
  toHaveFailedLoudlyThenRecoveredOnRerun(error: RegExp): R;
  /** The operator's rerun, with every fault removed, exited 0 and the experiment completed (the first run may have succeeded too). */
  toHaveRecoveredOnRerun(): R;
}

declare module "vitest" {
  // Must repeat Vitest's own declaration, `any` default included.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends JournalMatchers<T> {}
}

expect.extend({
  toHaveCompleted(journal: Journal) {
    return {
      pass: journal.status === "completed",
      message: () => `expected the experiment to complete, but it ${journal.status}: ${journal.reason ?? "(no reason recorded)"}`,
    };
  },
  toMatchTheGoldenOutput(journal: Journal) {
    const integrity = journal.integrity;
    return {
      pass: integrity?.ok === true,
      message: () =>
        integrity
          ? `integrity check failed: ${integrity.summary}`
          : `integrity was not checked: the experiment ${journal.status}: ${journal.reason ?? "(no reason recorded)"}`,
    };
  },
  toHaveFailedLoudlyThenRecoveredOnRerun(journal: Journal, error: RegExp) {
    const first = journal.rerun?.firstRun;
    const failedLoudly = first !== undefined && first.exitCode !== null && first.exitCode !== 0 && error.test(first.outputTail);
    const recovered = rerunRecovered(journal);
    return {
      pass: failedLoudly && recovered === undefined,
      message: () =>
        !first
          ? (whyMethodNotReached(journal) ?? `no first run recorded: the experiment ${journal.status}: ${journal.reason ?? "(declared no rerun?)"}`)
          : !failedLoudly
            ? `expected the first run to exit non-zero with an error matching ${error}, but it exited with ${first.signal ?? `code ${first.exitCode}`}:\n${first.outputTail}`
            : `the first run failed loudly, but ${recovered}`,
    };
  },
  toHaveRecoveredOnRerun(journal: Journal) {
    const recovered = rerunRecovered(journal);
    return { pass: recovered === undefined, message: () => recovered ?? "expected the rerun not to recover, but it did" };
  },
  toRecoverWithinBudget(journal: Journal) {
    const notInjected = journal.faults.filter((fault) => fault.injectedAt === null || fault.removedAt === null);
    const recovery = journal.figures.recoveryMs;
    const budget = journal.budget.recoveryMs;
    const pass = notInjected.length === 0 && recovery !== null && recovery <= budget;
    return {
      pass,
      message: () =>
        whyMethodNotReached(journal) ??
        (notInjected.length > 0
          ? `faults not both injected and removed: ${notInjected.map((fault) => `${fault.name}${fault.error ? ` (${fault.error})` : ""}`).join("; ")}`
          : recovery === null
            ? `the steady state never held again after the faults were removed (budget ${budget} ms)`
            : `recovery took ${recovery} ms, over the ${budget} ms budget`),
    };
  },
});

/** Undefined when the operator's rerun exited 0 and the experiment completed; otherwise what went wrong. */
function rerunRecovered(journal: Journal): string | undefined {
  const rerun = journal.rerun?.rerun;
  if (!rerun) return whyMethodNotReached(journal) ?? `the rerun never ran: the experiment ${journal.status}: ${journal.reason ?? "(declared no rerun?)"}`;
  if (rerun.exitCode !== 0) return `the rerun exited with ${rerun.signal ?? `code ${rerun.exitCode}`}:\n${rerun.outputTail}`;
  if (journal.status !== "completed") return `the rerun exited 0, but the experiment ${journal.status}: ${journal.reason ?? "(no reason recorded)"}`;
  return undefined;
}
