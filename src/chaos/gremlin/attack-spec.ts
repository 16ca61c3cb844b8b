import { FaultParameterError, positiveInteger, type DowntimeCause } from "../core/index.ts";
import type { GremlinAttackRequest } from "./gremlin-client.ts";

/**
 * Which Gremlin clients an attack hits: exact identifiers, never a random
 * pick or a tag selector, so every target can be opted into by name.
 */
export type GremlinTarget = { hosts: readonly string[] } | { containers: readonly string[] };

/** Options every attack but shutdown has. */
export interface TimedAttackOptions {
  target: GremlinTarget;
  /** How long Gremlin runs the attack, in seconds (its `-l`). Gremlin ends it then even if this process has died. */
  lengthSeconds: number;
}

/** Burns CPU on the targets. */
export interface CpuAttackOptions extends TimedAttackOptions {
  /** Cores to load (default 1); ignored with `allCores`. */
  cores?: number;
  allCores?: boolean;
  /** Load per core in percent, 1..100 (default 100). */
  percent?: number;
}

/** Delays the targets' outgoing packets. */
export interface LatencyAttackOptions extends TimedAttackOptions {
  /** Added delay in milliseconds. */
  delayMs: number;
  /** Only traffic to these hosts (default: all but Gremlin's API). */
  hostnames?: readonly string[];
  /** Only traffic to these remote ports (default: all but DNS). */
  ports?: readonly number[];
}

/** Drops the targets' traffic. */
export interface BlackholeAttackOptions extends TimedAttackOptions {
  /** Only traffic to these hosts (default: all but Gremlin's API). */
  hostnames?: readonly string[];
  /** Only traffic to these remote ports (default: all but DNS). */
  ports?: readonly number[];
}

/** Shuts the targets down. Not undone by halting: once it has run, the hosts are down until something restarts them. */
export interface ShutdownAttackOptions {
  target: GremlinTarget;
  /** Minutes Gremlin waits before shutting down (its `-d`, default 0). */
  delayMinutes?: number;
  /** Reboot instead of staying down. */
  reboot?: boolean;
}

/** The attack kinds this provider creates. */
export type GremlinAttackKind = "cpu" | "latency" | "blackhole" | "shutdown";

/** An attack ready to send, with what the journal says about it. */
export interface ResolvedAttack {
  kind: GremlinAttackKind;
  cause: DowntimeCause;
  /** `host:<id>` / `container:<id>`, the names the allow list uses. */
  targets: string[];
  request: GremlinAttackRequest;
}

/** Default upper bound of `lengthSeconds`: the experiment's five-minute fault limit. */
export const MAX_ATTACK_LENGTH_SECONDS = 300;

/*
 * Hostnames and ports prefixed with ^ are excluded (Gremlin's CLI syntax, also
 * the defaults of gremlin-python's attack helpers): a network attack must leave
 * the agent's own line to api.gremlin.com and DNS alone, or the halt could not
 * reach it and Gremlin's dead-man switch would end the attack instead of us.
 */
const SPARE_GREMLIN_API = "^api.gremlin.com";
const SPARE_DNS = "^53";

export function resolveCpuAttack(options: CpuAttackOptions, maxLengthSeconds = MAX_ATTACK_LENGTH_SECONDS): ResolvedAttack {
  const args = ["-l", String(length(options.lengthSeconds, maxLengthSeconds)), "-p", String(percent(options.percent ?? 100, "percent"))];
  if (options.allCores) args.push("-a");
  else args.push("-c", String(positiveInteger(options.cores ?? 1, "cores")));
  return resolved("cpu", "overload", options.target, args);
}

export function resolveLatencyAttack(options: LatencyAttackOptions, maxLengthSeconds = MAX_ATTACK_LENGTH_SECONDS): ResolvedAttack {
  const args = ["-l", String(length(options.lengthSeconds, maxLengthSeconds)), "-m", String(positiveInteger(options.delayMs, "delayMs")), ...traffic(options)];
  return resolved("latency", "overload", options.target, args);
}

export function resolveBlackholeAttack(options: BlackholeAttackOptions, maxLengthSeconds = MAX_ATTACK_LENGTH_SECONDS): ResolvedAttack {
  return resolved("blackhole", "equipment-failure", options.target, ["-l", String(length(options.lengthSeconds, maxLengthSeconds)), ...traffic(options)]);
}

export function resolveShutdownAttack(options: ShutdownAttackOptions): ResolvedAttack {
  const delay = options.delayMinutes ?? 0;
  if (!Number.isInteger(delay) || delay < 0) throw new FaultParameterError("delayMinutes", `must be a non-negative integer, got ${JSON.stringify(delay)}`);
  return resolved("shutdown", "equipment-failure", options.target, ["-d", String(delay), ...(options.reboot ? ["-r"] : [])]);
}

function resolved(kind: GremlinAttackKind, cause: DowntimeCause, target: GremlinTarget, args: string[]): ResolvedAttack {
  const { names, request } = exactTarget(target);
  return { kind, cause, targets: names, request: { command: { type: kind, args }, target: request } };
}

function exactTarget(target: GremlinTarget): { names: string[]; request: GremlinAttackRequest["target"] } {
  const hosts = "hosts" in target ? target.hosts : undefined;
  const containers = "containers" in target ? target.containers : undefined;
  if ((hosts === undefined) === (containers === undefined))
    throw new FaultParameterError("target", "must name either hosts or containers, by their Gremlin identifiers");
  const field = hosts ? "target.hosts" : "target.containers";
  const ids = [...(hosts ?? containers ?? [])];
  if (ids.length === 0) throw new FaultParameterError(field, "must name at least one identifier");
  for (const id of ids)
    if (typeof id !== "string" || id.trim() === "" || id.includes(",")) throw new FaultParameterError(field, `has an invalid identifier ${JSON.stringify(id)}`);
  if (new Set(ids).size !== ids.length) throw new FaultParameterError(field, "names an identifier twice");
  const kind = hosts ? "host" : "container";
  return { names: ids.map((id) => `${kind}:${id}`), request: hosts ? { type: "Exact", hosts: { ids } } : { type: "Exact", containers: { ids } } };
}

function traffic(options: { hostnames?: readonly string[]; ports?: readonly number[] }): string[] {
  const hostnames = [...(options.hostnames ?? [])];
  for (const host of hostnames)
    if (typeof host !== "string" || !/^[\w.-]+$/.test(host)) throw new FaultParameterError("hostnames", `has an invalid hostname ${JSON.stringify(host)}`);
  const ports = (options.ports ?? []).map((port) => {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new FaultParameterError("ports", `has an invalid port ${JSON.stringify(port)}`);
    return String(port);
  });
  return ["-h", [...hostnames, SPARE_GREMLIN_API].join(","), "-p", [...ports, SPARE_DNS].join(",")];
}

function length(seconds: number, max: number): number {
  positiveInteger(seconds, "lengthSeconds");
  if (seconds > max) throw new FaultParameterError("lengthSeconds", `must be at most ${max} s, got ${seconds}`);
  return seconds;
}

function percent(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 100)
    throw new FaultParameterError(field, `must be an integer from 1 to 100, got ${JSON.stringify(value)}`);
  return value;
}
