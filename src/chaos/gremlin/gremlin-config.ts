import { GremlinConfigError } from "./errors.ts";
import { GremlinCredentials } from "./gremlin-credentials.ts";

/** The environment variables {@link gremlinConfigFromEnv} reads. */
export const GREMLIN_VARIABLES = {
  /** A team (or user) API key; sent only as `Authorization: Key …`. */
  apiKey: "GREMLIN_API_KEY",
  /** The team the attacks run in; Gremlin needs `teamId` on every call made with a company-wide key. */
  teamId: "GREMLIN_TEAM_ID",
  /** Base URL of the API, default https://api.gremlin.com/v1 (tests point it at a local server). */
  apiUrl: "GREMLIN_API_URL",
  /** Comma-separated targets attacks may hit, each `host:<identifier>` or `container:<identifier>`. */
  allowTargets: "GREMLIN_ALLOW_TARGETS",
} as const;

export const DEFAULT_GREMLIN_API_URL = "https://api.gremlin.com/v1";

/** Everything the provider needs, validated. */
export interface GremlinConfig {
  /** Base URL without a trailing slash, e.g. "https://api.gremlin.com/v1". */
  apiUrl: string;
  teamId: string | undefined;
  credentials: GremlinCredentials;
}

/** Input of {@link resolveGremlinConfig}; the key is required, the rest optional. */
export interface GremlinConfigInput {
  apiKey: string;
  teamId?: string;
  apiUrl?: string;
}

export function resolveGremlinConfig(input: GremlinConfigInput): GremlinConfig {
  if (typeof input.apiKey !== "string" || input.apiKey.trim() === "") throw new GremlinConfigError("apiKey", "is required (a Gremlin team or user API key)");
  if (/\s/.test(input.apiKey.trim())) throw new GremlinConfigError("apiKey", "must not contain whitespace (give the key itself, without the `Key ` prefix)");
  const apiUrl = (input.apiUrl ?? DEFAULT_GREMLIN_API_URL).replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new GremlinConfigError("apiUrl", `must be an absolute http(s) URL, got ${JSON.stringify(apiUrl)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new GremlinConfigError("apiUrl", `must be an http(s) URL, got ${JSON.stringify(apiUrl)}`);
  if (url.username || url.password) throw new GremlinConfigError("apiUrl", "must not carry credentials; the key goes in GREMLIN_API_KEY");
  const teamId = input.teamId?.trim() || undefined;
  return { apiUrl, teamId, credentials: new GremlinCredentials(input.apiKey) };
}

/**
 * The provider's configuration from GREMLIN_API_KEY, GREMLIN_TEAM_ID and
 * GREMLIN_API_URL. Returns undefined when no key is set, so a caller can say
 * why it skips; errors name the variable and never quote the key.
 */
export function gremlinConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GremlinConfig | undefined {
  const apiKey = env[GREMLIN_VARIABLES.apiKey]?.trim();
  if (!apiKey) return undefined;
  try {
    return resolveGremlinConfig({ apiKey, teamId: env[GREMLIN_VARIABLES.teamId], apiUrl: env[GREMLIN_VARIABLES.apiUrl]?.trim() || undefined });
  } catch (error) {
    if (error instanceof GremlinConfigError) {
      const variable = (GREMLIN_VARIABLES as Record<string, string>)[error.field] ?? error.field;
      throw new GremlinConfigError(variable, error.message.replace(/^invalid Gremlin configuration: \S+ /, ""));
    }
    throw error;
  }
}
