/**
 * The rules installed on one proxy, shared by all its connections: each
 * statement is matched against every rule in the order they were added;
 * the first rule whose occurrence fires applies, later ones still count it.
 */
import { performance } from "node:perf_hooks";
import type { FaultByRuleType, MatchedStatement, RuleObservations } from "./rule-observations.ts";
import type { PostgresRuleType, ResolvedRule } from "./rule-spec.ts";
import type { Statement } from "./statement.ts";

/** A rule as installed: its resolved spec, live observations, and idempotent removal. */
export interface RuleHandle<T extends PostgresRuleType = PostgresRuleType> extends AsyncDisposable {
  /** Uninstalls the rule (its observations stay readable); later calls do nothing. */
  remove(): Promise<void>;
  readonly id: number;
  readonly rule: Extract<ResolvedRule, { type: T }>;
  readonly observations: RuleObservations<T>;
}

/** A rule that fired on a statement: the session applies it and records the fault. */
export interface FiredRule<T extends PostgresRuleType = PostgresRuleType> {
  readonly rule: Extract<ResolvedRule, { type: T }>;
  readonly occurrence: number;
  record(fault: Omit<FaultByRuleType[T], "occurrence">): void;
}

class InstalledRule {
  readonly matched: MatchedStatement[] = [];
  readonly faulted: FaultByRuleType[PostgresRuleType][] = [];
  private readonly random: (() => number) | undefined;

  constructor(
    readonly id: number,
    readonly rule: ResolvedRule,
  ) {
    this.random = "probability" in rule.occurrence ? mulberry32(rule.occurrence.seed) : undefined;
  }

  matches(statement: Statement, transaction: readonly string[]): boolean {
    const { kinds, pattern, normalized, inTransactionWith } = this.rule.match;
    if (statement.kind === "connect" && !kinds?.includes("connect")) return false;
    return (
      (kinds === undefined || kinds.includes(statement.kind)) &&
      (pattern === undefined || pattern.test(statement.text)) &&
      (normalized === undefined || normalized === statement.normalized) &&
      (inTransactionWith === undefined || transaction.some((text) => inTransactionWith.test(text)))
    );
  }

  /** Whether the `count`th match fires; draws from the seeded generator on every match, so the sequence is reproducible. */
  chooses(count: number): boolean {
    const occurrence = this.rule.occurrence;
    if ("nth" in occurrence) return count === occurrence.nth;
    if ("every" in occurrence) return true;
    return this.random!() < occurrence.probability;
  }
}

export class RuleSet {
  private readonly rules: InstalledRule[] = [];
  private nextId = 1;

  add<T extends PostgresRuleType>(rule: Extract<ResolvedRule, { type: T }>): RuleHandle<T> {
    const installed = new InstalledRule(this.nextId++, rule);
    this.rules.push(installed);
    const remove = (): Promise<void> => {
      const index = this.rules.indexOf(installed);
      if (index >= 0) this.rules.splice(index, 1);
      return Promise.resolve();
    };
    return {
      id: installed.id,
      rule,
      observations: installed as unknown as RuleObservations<T>,
      remove,
      [Symbol.asyncDispose]: remove,
    };
  }

  get size(): number {
    return this.rules.length;
  }

  /** Counts the statement against every matching rule; returns the first that fires. `transaction`: the texts of its transaction block so far. */
  evaluate(statement: Statement, connection: number, transaction: readonly string[] = [statement.text]): FiredRule | undefined {
    let fired: FiredRule | undefined;
    for (const installed of this.rules) {
      if (!installed.matches(statement, transaction)) continue;
      const occurrence = installed.matched.length + 1;
      const fires = installed.chooses(occurrence) && fired === undefined;
      installed.matched.push({ occurrence, kind: statement.kind, statement: statement.normalized, connection, fired: fires, atMs: performance.now() });
      if (fires) {
        fired = {
          rule: installed.rule,
          occurrence,
          record: (fault) => installed.faulted.push({ ...fault, occurrence } as FaultByRuleType[PostgresRuleType]),
        };
      }
    }
    return fired;
  }
}

/** A small seeded generator (mulberry32): the same seed gives the same sequence of fired matches. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
