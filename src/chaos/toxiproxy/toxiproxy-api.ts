/**
 * A typed client for the Toxiproxy 2.x HTTP API: this project's server or a
 * real Toxiproxy (`ToxiproxyApi.fromEnv()` reads `TOXIPROXY_URL`). Requests
 * are validated before they are sent, with the server's own rules, so a bad
 * attribute fails fast with an error naming the field and nothing is sent.
 */
import { ToxiproxyApiError, ToxiproxyConnectionError, missingField } from "./errors.ts";
import { removalHandle, type RemovalHandle, type ToxicHandle } from "./removal-handle.ts";
import { checkProxyUpdate, parsePopulate, parseProxyCreate, type ProxyConfig, type ProxyState, type ProxyUpdate } from "./proxy-spec.ts";
import type { Toxic, ToxicSpec, ToxicUpdate } from "./toxic-spec.ts";
import { checkToxicUpdate, parseToxicCreate } from "./toxic-validation.ts";

/** Where Toxiproxy listens unless told otherwise. */
export const TOXIPROXY_DEFAULT_URL = "http://localhost:8474";
/** A request that takes longer than this fails as a connection error. */
export const TOXIPROXY_REQUEST_TIMEOUT_MS = 10_000;

export interface ToxiproxyApiOptions {
  /** Per-request timeout, milliseconds. */
  timeoutMs?: number;
}

export class ToxiproxyApi {
  /** Base URL without a trailing slash. */
  readonly url: string;
  private readonly timeoutMs: number;

  constructor(url: string | URL = TOXIPROXY_DEFAULT_URL, options: ToxiproxyApiOptions = {}) {
    this.url = String(url).replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? TOXIPROXY_REQUEST_TIMEOUT_MS;
  }

  /** A client for `TOXIPROXY_URL`, or Toxiproxy's default address. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): ToxiproxyApi {
    return new ToxiproxyApi(env["TOXIPROXY_URL"] || TOXIPROXY_DEFAULT_URL);
  }

  /** The server's version (JSON `{"version": ...}` since Toxiproxy 2.1, plain text before). */
  async version(): Promise<string> {
    const text = await this.send("GET", "/version");
    try {
      return String((JSON.parse(text) as { version: unknown }).version);
    } catch {
      return text.trim();
    }
  }

  /** Enables every proxy and removes every toxic. */
  async reset(): Promise<void> {
    await this.send("POST", "/reset");
  }

  async listProxies(): Promise<Record<string, ProxyState>> {
    return this.json("GET", "/proxies");
  }

  async createProxy(config: ProxyConfig): Promise<ProxyState> {
    parseProxyCreate(config);
    return this.json("POST", "/proxies", config);
  }

  /** Creates the proxies, replacing same-named ones whose addresses differ. */
  async populate(configs: readonly ProxyConfig[]): Promise<ProxyState[]> {
    parsePopulate(configs);
    return (await this.json<{ proxies: ProxyState[] }>("POST", "/populate", configs)).proxies;
  }

  async getProxy(name: string): Promise<ProxyState> {
    return this.json("GET", proxyPath(name));
  }

  /** Changes listen, upstream or enabled; a new address drops open connections. */
  async updateProxy(name: string, update: ProxyUpdate): Promise<ProxyState> {
    const path = proxyPath(name);
    checkProxyUpdate(update);
    return this.json("POST", path, update);
  }

  async deleteProxy(name: string): Promise<void> {
    await this.send("DELETE", proxyPath(name));
  }

  async listToxics(proxy: string): Promise<Toxic[]> {
    return this.json("GET", `${proxyPath(proxy)}/toxics`);
  }

  async addToxic<S extends ToxicSpec>(proxy: string, spec: S): Promise<Toxic<S["type"]>> {
    const path = `${proxyPath(proxy)}/toxics`;
    parseToxicCreate(spec);
    return this.json("POST", path, spec);
  }

  async getToxic(proxy: string, name: string): Promise<Toxic> {
    return this.json("GET", toxicPath(proxy, name));
  }

  /** Changes a toxic's attributes or toxicity; open connections see it at once. */
  async updateToxic<U extends ToxicUpdate>(proxy: string, name: string, update: U): Promise<Toxic<U["type"]>> {
    const path = toxicPath(proxy, name);
    checkToxicUpdate(update.type, update.toxicity, update.attributes);
    const body: Record<string, unknown> = {};
    if (update.toxicity !== undefined) body["toxicity"] = update.toxicity;
    if (update.attributes !== undefined) body["attributes"] = update.attributes;
    return this.json("POST", path, body);
  }

  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.send("DELETE", toxicPath(proxy, name));
  }

  /** Adds a toxic and returns a handle that removes it (idempotent, disposable). */
  async injectToxic(proxy: string, spec: ToxicSpec): Promise<ToxicHandle> {
    const toxic = await this.addToxic(proxy, spec);
    return { proxy, toxic, ...removalHandle(() => this.removeToxic(proxy, toxic.name)) };
  }

  /** Takes a proxy down (Toxiproxy's "down"); the handle enables it again. */
  async disableProxy(name: string): Promise<RemovalHandle> {
    await this.updateProxy(name, { enabled: false });
    return removalHandle(async () => {
      await this.updateProxy(name, { enabled: true });
    });
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return JSON.parse(await this.send(method, path, body)) as T;
  }

  private async send(method: string, path: string, body?: unknown): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ToxiproxyConnectionError(this.url, error);
    }
    const text = await response.text();
    if (!response.ok) throw errorFromResponse(response, text);
    return text;
  }
}

function errorFromResponse(response: Response, text: string): ToxiproxyApiError {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === "string") return new ToxiproxyApiError(body.error, response.status);
  } catch {
    // Not Toxiproxy's error body (a proxy in between, or a 404 for an unknown path).
  }
  return new ToxiproxyApiError(text.trim() || response.statusText || `HTTP ${response.status}`, response.status);
}

function proxyPath(name: string): string {
  if (typeof name !== "string" || name === "") throw missingField("name");
  return `/proxies/${encodeURIComponent(name)}`;
}

function toxicPath(proxy: string, toxic: string): string {
  if (typeof toxic !== "string" || toxic === "") throw missingField("toxic");
  return `${proxyPath(proxy)}/toxics/${encodeURIComponent(toxic)}`;
}
