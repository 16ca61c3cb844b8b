/**
 * Toxiproxy 2.x's HTTP routes over a `ProxyCollection`: the same paths,
 * methods, status codes and JSON shapes, so its clients work unchanged.
 */
import type { ProxyCollection } from "./proxy-collection.ts";
import { parsePopulate, parseProxyCreate, parseProxyUpdate } from "./proxy-spec.ts";
import { ToxiproxyApiError } from "./errors.ts";

/** The Toxiproxy release whose API this server follows, reported by `GET /version`. */
export const TOXIPROXY_COMPATIBLE_VERSION = "2.12.0";

export interface ApiReply {
  status: number;
  /** Serialised as JSON; absent for 204. */
  json?: unknown;
  /** Sent verbatim instead of `json`. */
  text?: string;
}

/** `params` are the decoded `{proxy}` and `{toxic}` path segments. */
type Handler = (params: string[], body: () => unknown) => Promise<ApiReply>;

interface Route {
  /** Path segments; `*` matches one segment and becomes a param. */
  path: string[];
  methods: Record<string, Handler>;
}

export function toxiproxyRoutes(proxies: ProxyCollection): Route[] {
  const proxy = (params: string[]) => proxies.get(params[0] ?? "");
  const ok = (json: unknown, status = 200): ApiReply => ({ status, json });
  const noContent: ApiReply = { status: 204 };
  return [
    {
      path: ["version"],
      methods: {
        // Toxiproxy writes this one by hand, with a space and a newline.
        GET: async () => ({ status: 200, text: `{"version": "${TOXIPROXY_COMPATIBLE_VERSION}"}\n` }),
      },
    },
    { path: ["reset"], methods: { POST: async () => (await proxies.reset(), noContent) } },
    {
      path: ["proxies"],
      methods: {
        GET: async () => ok(Object.fromEntries(proxies.all().map((each) => [each.name, each.toJSON()]))),
        POST: async (_, body) => ok((await proxies.add(parseProxyCreate(body()))).toJSON(), 201),
      },
    },
    {
      path: ["populate"],
      methods: {
        POST: async (_, body) => {
          try {
            const populated = await proxies.populate(parsePopulate(body()));
            return ok({ proxies: populated.map((each) => each.toJSON()) }, 201);
          } catch (error) {
            if (!(error instanceof ToxiproxyApiError)) throw error;
            return ok({ ...error.toJSON(), proxies: null }, error.status);
          }
        },
      },
    },
    {
      path: ["proxies", "*"],
      methods: {
        GET: async (params) => ok(proxy(params).toJSON()),
        POST: updateProxy,
        PATCH: updateProxy,
        DELETE: async (params) => (await proxies.remove(params[0] ?? ""), noContent),
      },
    },
    {
      path: ["proxies", "*", "toxics"],
      methods: {
        GET: async (params) => ok(proxy(params).toxics.list()),
        POST: async (params, body) => {
          const target = proxy(params);
          return ok(target.toxics.add(body()));
        },
      },
    },
    {
      path: ["proxies", "*", "toxics", "*"],
      methods: {
        GET: async (params) => ok(proxy(params).toxics.get(params[1] ?? "")),
        POST: updateToxic,
        PATCH: updateToxic,
        DELETE: async (params) => (await proxy(params).toxics.remove(params[1] ?? ""), noContent),
      },
    },
  ];

  async function updateProxy(params: string[], body: () => unknown): Promise<ApiReply> {
    const target = proxy(params);
    await target.update(parseProxyUpdate(target, body()));
    return ok(target.toJSON());
  }

  async function updateToxic(params: string[], body: () => unknown): Promise<ApiReply> {
    const target = proxy(params);
    return ok(await target.toxics.update(params[1] ?? "", body()));
  }
}

/** The route and params for a path, or why there is none (404 unknown path, 405 wrong method). */
export function matchRoute(routes: readonly Route[], method: string, segments: readonly string[]): { handler: Handler; params: string[] } | 404 | 405 {
  for (const route of routes) {
    if (route.path.length !== segments.length) continue;
    const params: string[] = [];
    const matches = route.path.every((part, index) => {
      const segment = segments[index] ?? "";
      if (part === "*") params.push(segment);
      return part === "*" ? segment !== "" : part === segment;
    });
    if (!matches) continue;
    const handler = route.methods[method];
    return handler ? { handler, params } : 405;
  }
  return 404;
}
