/**
 * The rules in effect on one proxy, each behind its FaultHandle. Rules are
 * consulted in injection order; each counts the requests it matched and
 * the ones it actually faulted, live, in its handle's observations.
 */
import { createFaultHandle, removeAll, type DowntimeCause, type FaultHandle, matchesRequest, resolveS3FaultSpec, type ResolvedFault, type ResolvedRule, type S3FaultSpec, type S3Request } from "../../core/index.ts";

/** Live counters of a rule, readable from `handle.observations`. */
export interface S3FaultObservations {
  /** Requests that matched while the rule was in effect (for errors: that no earlier error rule answered). */
  requestsMatched: number;
  /** Requests the fault was applied to. */
  requestsFaulted: number;
  /** Once removed: "removed" (by its handle or the proxy stopping) or "window" (its `forMs` ran out). */
  endedBy?: "removed" | "window";
}

/** One rule in effect. */
export class ActiveRule<F extends ResolvedFault = ResolvedFault> {
  constructor(
    readonly rule: ResolvedRule<F>,
    /** Monotonic time (performance.now()) after which the rule no longer applies. */
    private readonly until: number,
    private readonly counters: S3FaultObservations,
  ) {}

  get fault(): F {
    return this.rule.fault;
  }

  get inEffect(): boolean {
    return performance.now() < this.until;
  }

  /** Records that the fault was applied to a request it matched. */
  faulted(): void {
    this.counters.requestsFaulted++;
  }

  /** Counts a match and rolls the rule's probability; true when the fault should apply. */
  roll(random: () => number): boolean {
    this.counters.requestsMatched++;
    const p = this.rule.probability;
    return p >= 1 || (p > 0 && random() < p);
  }
}

/** An active rule of one fault type. */
export type RuleOf<T extends ResolvedFault["type"]> = ActiveRule<Extract<ResolvedFault, { type: T }>>;

export class FaultRuleSet {
  private readonly rules = new Set<ActiveRule>();
  private readonly handles = new Set<FaultHandle>();

  constructor(
    /** Named in every handle's description, e.g. "s3 proxy 127.0.0.1:4000 → 127.0.0.1:4568". */
    private readonly target: string,
    private readonly random: () => number,
  ) {}

  /** Validates `spec` (throwing before anything applies) and puts it in effect at once. */
  add(spec: S3FaultSpec): FaultHandle {
    const resolved = resolveS3FaultSpec(spec);
    let endedBy: S3FaultObservations["endedBy"] = "removed";
    let timer: NodeJS.Timeout | undefined;
    const { type: _type, ...parameters } = spec;
    const handle = createFaultHandle(
      { kind: `s3/${spec.type}`, cause: causeOf(resolved.fault), target: this.target, parameters: { ...parameters } },
      { requestsMatched: 0, requestsFaulted: 0 } satisfies S3FaultObservations,
      async () => {
        clearTimeout(timer);
        this.rules.delete(rule);
        this.handles.delete(handle);
        return { endedBy };
      },
    );
    // createFaultHandle copies the initial observations, so live counters must write into the handle's own record.
    const rule = new ActiveRule(resolved, handle.injectedAt + resolved.forMs, handle.observations as unknown as S3FaultObservations);
    this.rules.add(rule);
    this.handles.add(handle);
    if (Number.isFinite(resolved.forMs)) {
      timer = setTimeout(() => {
        endedBy = "window";
        void handle.remove();
      }, resolved.forMs);
      timer.unref();
    }
    return handle;
  }

  /**
   * Rules of one type that match `request` and whose probability fires, in
   * injection order. Lazy: a rule is only counted as matched once the caller
   * asks for it, so a caller that stops at the first (errors) leaves later rules uncounted.
   */
  *firing<T extends ResolvedFault["type"]>(type: T, request: S3Request): Generator<RuleOf<T>> {
    for (const rule of [...this.rules]) {
      if (rule.fault.type !== type || !rule.inEffect || !matchesRequest(rule.rule.match, request)) continue;
      if (rule.roll(this.random)) yield rule as RuleOf<T>;
    }
  }

  /** The first rule of `type` that fires for `request`, counted as faulted by the caller when it applies. */
  first<T extends ResolvedFault["type"]>(type: T, request: S3Request): RuleOf<T> | undefined {
    for (const rule of this.firing(type, request)) return rule;
    return undefined;
  }

  /** A uniform random number in [0, 1), from the set's source. */
  nextRandom(): number {
    return this.random();
  }

  /** Removes every rule; their handles record the removal. */
  clear(): Promise<void> {
    return removeAll([...this.handles]);
  }
}

/** Throttling and slowness are overload; errors, cut and flipped bodies are a software failure. */
function causeOf(fault: ResolvedFault): DowntimeCause {
  if (fault.type === "latency") return "overload";
  if (fault.type === "error" && (fault.status === 503 || fault.status === 429 || /SlowDown|Throttl/i.test(fault.code))) return "overload";
  return "software-failure";
}
