/**
 * The rules in effect on one proxy, each behind its FaultHandle. Rules are
 * consulted in injection order; each counts the requests it matched and
 * lists the ones it actually faulted, live, in its handle's observations.
 */
import {
  createFaultHandle,
  effectSeen,
  removeAll,
  type DowntimeCause,
  type FaultHandle,
  matchesRequest,
  resolveS3FaultSpec,
  selectsOccurrence,
  type ResolvedFault,
  type ResolvedRule,
  type S3FaultSpec,
  type S3Operation,
  type S3Request,
} from "../../core/index.ts";

/** At most this many faulted requests are listed per rule (journals and reports carry the list); `requestsFaulted` counts them all. */
export const MAX_FAULTED_LISTED = 200;

/** One request a rule faulted. */
export interface S3FaultedRequest {
  operation: S3Operation;
  bucket: string | undefined;
  key: string | undefined;
  /** The request's number among those the rule matched, from 1: what `occurrence` selects by. */
  occurrence: number;
  /** Monotonic time (performance.now()) the fault was applied: the hold began, the error was answered, the body was planned. */
  at: number;
  /** Monotonic time the client closed the connection before the proxy had answered in full; absent while it has not. */
  abandonedAt?: number;
}

/** Live observations of a rule, readable from `handle.observations`. */
export interface S3FaultObservations {
  /** Requests that matched while the rule was in effect (for errors: that no earlier error rule answered). */
  requestsMatched: number;
  /** Requests the fault was applied to. */
  requestsFaulted: number;
  /** Faulted requests the client gave up on (closed the connection) before the proxy had answered, e.g. held past its timeout. */
  requestsAbandoned: number;
  /** The faulted requests in order; the first {@link MAX_FAULTED_LISTED}. */
  faulted: S3FaultedRequest[];
  /** Once removed: "removed" (by its handle or the proxy stopping) or "window" (its `forMs` ran out). */
  endedBy?: "removed" | "window";
}

/** A handle of an S3 fault rule, its observations typed. */
export type S3FaultHandle = FaultHandle & { readonly observations: Readonly<S3FaultObservations> };

/** A fault applied to one request; the proxy notes on it when the client gave up. */
export interface AppliedFault {
  /** Records that the client closed the connection before the proxy had answered. */
  abandoned(): void;
}

/** One rule in effect. */
export class ActiveRule<F extends ResolvedFault = ResolvedFault> {
  constructor(
    readonly rule: ResolvedRule<F>,
    /** Monotonic time (performance.now()) after which the rule no longer applies. */
    private readonly until: number,
    private readonly counters: S3FaultObservations,
    /** Settles when the rule is removed or its window ends. */
    readonly ended: Promise<void>,
  ) {}

  get fault(): F {
    return this.rule.fault;
  }

  get inEffect(): boolean {
    return performance.now() < this.until;
  }

  /** Records that the fault was applied to `request`, its `occurrence`-th match. */
  faulted(request: S3Request, occurrence: number): AppliedFault {
    const counters = this.counters;
    counters.requestsFaulted++;
    const entry: S3FaultedRequest = { operation: request.operation, bucket: request.bucket, key: request.key, occurrence, at: performance.now() };
    if (counters.faulted.length < MAX_FAULTED_LISTED) counters.faulted.push(entry);
    return {
      abandoned() {
        if (entry.abandonedAt !== undefined) return;
        entry.abandonedAt = performance.now();
        counters.requestsAbandoned++;
      },
    };
  }

  /** Counts a match; its number when the occurrence selects it and the probability fires, else undefined. */
  roll(random: () => number): number | undefined {
    const occurrence = ++this.counters.requestsMatched;
    if (!selectsOccurrence(this.rule.occurrence, occurrence)) return undefined;
    const p = this.rule.probability;
    return p >= 1 || (p > 0 && random() < p) ? occurrence : undefined;
  }
}

/** A rule that fires for one request: the caller applies its fault and then calls `faulted()`, or lets it pass (e.g. an error body it does not cut). */
export class Firing<F extends ResolvedFault = ResolvedFault> {
  constructor(
    readonly rule: ActiveRule<F>,
    private readonly request: S3Request,
    /** The request's number among the rule's matches, from 1. */
    readonly occurrence: number,
  ) {}

  get fault(): F {
    return this.rule.fault;
  }

  faulted(): AppliedFault {
    return this.rule.faulted(this.request, this.occurrence);
  }
}

/** A firing rule of one fault type. */
export type FiringOf<T extends ResolvedFault["type"]> = Firing<Extract<ResolvedFault, { type: T }>>;

export class FaultRuleSet {
  private readonly rules = new Set<ActiveRule>();
  private readonly handles = new Set<FaultHandle>();

  constructor(
    /** Named in every handle's description, e.g. "s3 proxy 127.0.0.1:4000 → 127.0.0.1:4568". */
    private readonly target: string,
    private readonly random: () => number,
  ) {}

  /** Validates `spec` (throwing before anything applies) and puts it in effect at once. */
  add(spec: S3FaultSpec): S3FaultHandle {
    const resolved = resolveS3FaultSpec(spec);
    let endedBy: S3FaultObservations["endedBy"] = "removed";
    let timer: NodeJS.Timeout | undefined;
    let end = (): void => {};
    const ended = new Promise<void>((resolve) => (end = resolve));
    const { type: _type, ...parameters } = spec;
    const handle = createFaultHandle(
      { kind: `s3/${spec.type}`, cause: causeOf(resolved.fault), target: this.target, parameters: { ...parameters } },
      { requestsMatched: 0, requestsFaulted: 0, requestsAbandoned: 0, faulted: [] } satisfies S3FaultObservations,
      async () => {
        clearTimeout(timer);
        this.rules.delete(rule);
        this.handles.delete(handle);
        end();
        return { endedBy };
      },
      // The rule joins the set below in this same synchronous call, before any request can be handled.
      effectSeen("the rule is in the set every next request consults"),
    ) as S3FaultHandle;
    // Live counters write into the handle's own record, whether createFaultHandle kept or copied the initial one.
    const rule = new ActiveRule(resolved, handle.injectedAt + resolved.forMs, handle.observations as S3FaultObservations, ended);
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
  *firing<T extends ResolvedFault["type"]>(type: T, request: S3Request): Generator<FiringOf<T>> {
    for (const rule of [...this.rules]) {
      if (rule.fault.type !== type || !rule.inEffect || !matchesRequest(rule.rule.match, request)) continue;
      const occurrence = rule.roll(this.random);
      if (occurrence !== undefined) yield new Firing(rule, request, occurrence) as FiringOf<T>;
    }
  }

  /** The first rule of `type` that fires for `request`, counted as faulted by the caller when it applies. */
  first<T extends ResolvedFault["type"]>(type: T, request: S3Request): FiringOf<T> | undefined {
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

/** Throttling and slowness are overload; a reset connection is the network's (as Toxiproxy's reset_peer); errors, cut and flipped bodies are a software failure. */
function causeOf(fault: ResolvedFault): DowntimeCause {
  if (fault.type === "latency" || fault.type === "hang") return "overload";
  if (fault.type === "reset") return "equipment-failure";
  if (fault.type === "error" && (fault.status === 503 || fault.status === 429 || /SlowDown|Throttl/i.test(fault.code))) return "overload";
  return "software-failure";
}
