import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { homedir } from "node:os";
import { join } from "node:path";
import { isLocalOnly, resolveContainerImages } from "./images.ts";

/** Where `.ci/containers-setup.sh` keeps its socket and its `env` file (same variable, same default). */
export const SETUP_STATE_DIR_ENV = "CHAOS_CONTAINERS_STATE_DIR";
export const DEFAULT_SETUP_STATE_DIR = "/var/lib/chaos-control/containers";
/** Label on every container and network the environment creates; `.ci/containers-setup.sh stop` removes leftovers by it. */
export const SUITE_LABEL = { name: "org.chaos-control.environment", value: "containers" } as const;
/**
 * How long a probed engine may take to answer. Absent engines fail at once
 * (no socket, connection refused); this only bounds a slow one, e.g. Podman's
 * API service answering its first calls on a busy machine.
 */
export const ENGINE_PROBE_TIMEOUT_MS = 10_000;

/** A Docker-compatible engine that answered. */
export interface ContainerEngine {
  /** As Testcontainers takes it, e.g. `unix:///var/run/docker.sock`. */
  readonly dockerHost: string;
  /** What answered, e.g. "Podman Engine 4.3.1" or "Docker Engine 27.3.1". */
  readonly description: string;
  /** How it was found: "DOCKER_HOST", the setup script's state file, or a default socket. */
  readonly foundVia: string;
  /** Variables from the setup script's state file (Testcontainers settings, image set), for {@link useContainerEngine}. */
  readonly settings: Readonly<Record<string, string>>;
}

export type EngineAvailability = { available: true; engine: ContainerEngine } | { available: false; reason: string };

/** No engine to start containers on; the message says what was tried and how to get one. */
export class ContainerEngineUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`no container engine for the containers environment: ${reason}`);
    this.name = "ContainerEngineUnavailableError";
  }
}

interface Candidate {
  dockerHost: string;
  foundVia: string;
  settings: Record<string, string>;
}

/**
 * Finds a Docker-compatible engine, in this order: `DOCKER_HOST`; the engine
 * `.ci/containers-setup.sh` started (its `env` file under
 * `CHAOS_CONTAINERS_STATE_DIR`); the usual Docker and Podman sockets. The
 * engine must answer `/_ping`, and hold every `localhost/…` image the
 * environment would start (nothing can pull those). When there is no usable
 * engine, `reason` says what was tried, for a skip message; it throws only
 * for a bad image setting (ImageConfigError), which must not become a skip.
 */
export async function containerEngineAvailable(env: NodeJS.ProcessEnv = process.env, options: { checkImages?: boolean } = {}): Promise<EngineAvailability> {
  const tried: string[] = [];
  for (const candidate of candidates(env)) {
    if (candidate.foundVia === "DOCKER_HOST" && env["DOCKER_TLS_VERIFY"] && candidate.dockerHost.startsWith("tcp:")) {
      return { available: true, engine: { ...candidate, description: "Docker Engine over TLS (not probed)" } };
    }
    const answer = await describeEngine(candidate.dockerHost).catch((error: unknown) => error as Error);
    if (answer instanceof Error) {
      tried.push(`${displayHost(candidate.dockerHost)} (${candidate.foundVia}): ${answer.message}`);
      if (candidate.foundVia === "DOCKER_HOST") break;
      continue;
    }
    const engine: ContainerEngine = { ...candidate, description: answer };
    if (options.checkImages === false) return { available: true, engine };
    const missing = await missingLocalImages(engine, { ...engine.settings, ...env });
    if (missing.length > 0) {
      return {
        available: false,
        reason: `${engine.description} at ${displayHost(engine.dockerHost)} lacks ${missing.join(", ")}: build them with .ci/containers-setup.sh (or infra/images/build.sh)`,
      };
    }
    return { available: true, engine };
  }
  const stateFile = join(stateDir(env), "env");
  return {
    available: false,
    reason: `no Docker-compatible engine answered (${tried.join("; ") || "nothing to try"}). Start Docker, or run \`eval "$(.ci/containers-setup.sh)"\` (Podman; with DOCKER_HOST unset, its state file ${stateFile} is found without the eval)`,
  };
}

/**
 * Points Testcontainers at `engine`: sets DOCKER_HOST and the setup script's
 * variables, each only where the process has not set it. Must run before
 * Testcontainers first talks to an engine (it reads them once).
 */
export function useContainerEngine(engine: ContainerEngine, env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries({ ...engine.settings, DOCKER_HOST: engine.dockerHost })) {
    if (env[name] === undefined || env[name] === "") env[name] = value;
  }
}

/** A container the engine holds, as `GET /containers/json` lists it. */
export interface EngineContainer {
  id: string;
  image: string;
  state: string;
  labels: Record<string, string>;
}

/** Every container (running or not) carrying `label` (default: the suite's), straight from the engine. */
export async function listLabelledContainers(engine: ContainerEngine, label = `${SUITE_LABEL.name}=${SUITE_LABEL.value}`): Promise<EngineContainer[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
  const { status, body } = await engineGet(engine.dockerHost, `/containers/json?all=true&filters=${filters}`);
  if (status !== 200) throw new Error(`listing containers on ${displayHost(engine.dockerHost)} failed: HTTP ${status}`);
  return (JSON.parse(body) as { Id: string; Image: string; State: string; Labels: Record<string, string> | null }[]).map((container) => ({
    id: container.Id,
    image: container.Image,
    state: container.State,
    labels: container.Labels ?? {},
  }));
}

/** Networks carrying `label` (default: the suite's). */
export async function listLabelledNetworks(engine: ContainerEngine, label = `${SUITE_LABEL.name}=${SUITE_LABEL.value}`): Promise<string[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
  const { status, body } = await engineGet(engine.dockerHost, `/networks?filters=${filters}`);
  if (status !== 200) throw new Error(`listing networks on ${displayHost(engine.dockerHost)} failed: HTTP ${status}`);
  return (JSON.parse(body) as { Name: string }[]).map((network) => network.Name);
}

function stateDir(env: NodeJS.ProcessEnv): string {
  return env[SETUP_STATE_DIR_ENV] || DEFAULT_SETUP_STATE_DIR;
}

function candidates(env: NodeJS.ProcessEnv): Candidate[] {
  if (env["DOCKER_HOST"]) return [{ dockerHost: env["DOCKER_HOST"], foundVia: "DOCKER_HOST", settings: {} }];
  const found: Candidate[] = [];
  const settings = readStateFile(join(stateDir(env), "env"));
  if (settings["DOCKER_HOST"]) found.push({ dockerHost: settings["DOCKER_HOST"], foundVia: `setup state ${join(stateDir(env), "env")}`, settings });
  const sockets = ["/var/run/docker.sock", "/run/podman/podman.sock", join(homedir(), ".docker/run/docker.sock")];
  if (env["XDG_RUNTIME_DIR"]) sockets.push(join(env["XDG_RUNTIME_DIR"], "podman/podman.sock"), join(env["XDG_RUNTIME_DIR"], "docker.sock"));
  for (const socket of sockets) found.push({ dockerHost: `unix://${socket}`, foundVia: "default socket", settings: {} });
  return found;
}

/** `export NAME=value` lines, as the setup script writes them. */
function readStateFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  const settings: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) settings[match[1]!] = match[2]!.trim().replace(/^(["'])(.*)\1$/, "$2");
  }
  return settings;
}

async function describeEngine(dockerHost: string): Promise<string> {
  const ping = await engineGet(dockerHost, "/_ping");
  if (ping.status !== 200) throw new Error(`/_ping answered HTTP ${ping.status}`);
  const version = JSON.parse((await engineGet(dockerHost, "/version")).body) as { Version?: string; Components?: { Name?: string; Version?: string }[] };
  const component = version.Components?.[0];
  return component?.Name ? `${component.Name} ${component.Version ?? version.Version ?? ""}`.trim() : `Docker Engine ${version.Version ?? "(unknown version)"}`;
}

async function missingLocalImages(engine: ContainerEngine, env: NodeJS.ProcessEnv): Promise<string[]> {
  const images = Object.values(resolveContainerImages(env)).filter(isLocalOnly);
  const missing: string[] = [];
  for (const image of images) {
    const { status } = await engineGet(engine.dockerHost, `/images/${encodeURIComponent(image)}/json`);
    if (status !== 200) missing.push(image);
  }
  return missing;
}

/** DOCKER_HOST without any user:password part, for messages. */
export function displayHost(dockerHost: string): string {
  return dockerHost.replace(/\/\/[^/@]*@/, "//");
}

/** One GET to the engine's API over a Unix socket or plain TCP (engines behind TLS are not probed). */
function engineGet(dockerHost: string, path: string, timeoutMs = ENGINE_PROBE_TIMEOUT_MS): Promise<{ status: number; body: string }> {
  let target: { socketPath: string } | { host: string; port: number };
  try {
    const url = new URL(dockerHost);
    if (url.protocol === "unix:") target = { socketPath: url.pathname };
    else if (url.protocol === "tcp:" || url.protocol === "http:") target = { host: url.hostname, port: Number(url.port || 2375) };
    else return Promise.reject(new Error(`unsupported DOCKER_HOST scheme ${url.protocol}`));
  } catch {
    return Promise.reject(new Error(`DOCKER_HOST is not a URL`));
  }
  return new Promise((resolve, reject) => {
    const request = httpRequest({ ...target, path, method: "GET", timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", (error: NodeJS.ErrnoException) => reject(new Error(error.code ? `${error.code}` : error.message)));
    request.end();
  });
}
