import { removeAll } from "../core/index.ts";
import {
  resolveBlackholeAttack,
  resolveCpuAttack,
  resolveLatencyAttack,
  resolveShutdownAttack,
  MAX_ATTACK_LENGTH_SECONDS,
  type BlackholeAttackOptions,
  type CpuAttackOptions,
  type LatencyAttackOptions,
  type ResolvedAttack,
  type ShutdownAttackOptions,
} from "./attack-spec.ts";
import { GremlinConfigError } from "./errors.ts";
import { DEFAULT_ATTACK_TIMING, launchAttack, type AttackTiming, type GremlinFaultHandle } from "./gremlin-attack.ts";
import { GremlinClient } from "./gremlin-client.ts";
import { GREMLIN_VARIABLES, gremlinConfigFromEnv, type GremlinConfig } from "./gremlin-config.ts";
import { allowedTargetsFromEnv, checkTargetsAllowed } from "./target-guard.ts";

/** Options of {@link gremlinFaults}; all optional. */
export interface GremlinFaultsOptions {
  /** Default: from GREMLIN_API_KEY, GREMLIN_TEAM_ID and GREMLIN_API_URL. */
  config?: GremlinConfig;
  /** The opted-in targets, asked at each attack. Default: GREMLIN_ALLOW_TARGETS as it is then. */
  allowedTargets?: () => readonly string[];
  timing?: Partial<AttackTiming>;
  /** Upper bound of an attack's `lengthSeconds` (default 300). */
  maxLengthSeconds?: number;
}

/**
 * Gremlin as a fault provider, for a staging stack that runs Gremlin's agent:
 * the four attacks it is used for here, each returning a FaultHandle that is
 * in effect (Gremlin reports it Running) and halts the attack on removal,
 * rollback or Ctrl-C. It is not a FaultLibrary: Gremlin knows hosts and
 * containers, not this project's services, so it does not pretend to kill
 * "postgres". Disposal removes whatever is still in effect.
 */
export class GremlinFaults implements AsyncDisposable {
  private readonly client: GremlinClient;
  private readonly handles = new Set<GremlinFaultHandle>();
  private readonly timing: AttackTiming;

  constructor(private readonly options: GremlinFaultsOptions = {}) {
    const config = options.config ?? gremlinConfigFromEnv();
    if (!config) throw new GremlinConfigError(GREMLIN_VARIABLES.apiKey, "is not set: Gremlin attacks need a team API key in the environment");
    this.client = new GremlinClient(config);
    this.timing = { ...DEFAULT_ATTACK_TIMING, ...options.timing };
  }

  /** Loads CPU on the targets for `lengthSeconds`. */
  cpu(options: CpuAttackOptions): Promise<GremlinFaultHandle> {
    return this.launch(() => resolveCpuAttack(options, this.maxLength), options);
  }

  /** Delays the targets' outgoing traffic by `delayMs`. */
  latency(options: LatencyAttackOptions): Promise<GremlinFaultHandle> {
    return this.launch(() => resolveLatencyAttack(options, this.maxLength), options);
  }

  /** Drops the targets' traffic (a partition). */
  blackhole(options: BlackholeAttackOptions): Promise<GremlinFaultHandle> {
    return this.launch(() => resolveBlackholeAttack(options, this.maxLength), options);
  }

  /** Shuts the targets down (or reboots them). Removal halts what has not happened yet; a host already down stays down. */
  shutdown(options: ShutdownAttackOptions): Promise<GremlinFaultHandle> {
    return this.launch(() => resolveShutdownAttack(options), options);
  }

  /** Removes every attack still in effect, all of them even if some fail. */
  async removeAll(): Promise<void> {
    await removeAll(this.handles);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.removeAll();
  }

  private get maxLength(): number {
    return this.options.maxLengthSeconds ?? MAX_ATTACK_LENGTH_SECONDS;
  }

  private async launch(resolve: () => ResolvedAttack, parameters: object): Promise<GremlinFaultHandle> {
    const attack = resolve();
    checkTargetsAllowed(attack.targets, this.options.allowedTargets?.() ?? allowedTargetsFromEnv());
    const handle = await launchAttack(this.client, attack, { ...parameters }, this.timing);
    this.handles.add(handle);
    return handle;
  }
}

/** The Gremlin provider configured from the environment (or `options`); see {@link GremlinFaults}. */
export function gremlinFaults(options: GremlinFaultsOptions = {}): GremlinFaults {
  return new GremlinFaults(options);
}
