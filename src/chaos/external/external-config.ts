/** The environment variables {@link externalConfigFromEnv} reads. Credentials come only from these, never from arguments. */
export const EXTERNAL_VARIABLES = {
  /** `postgres://user:password@host:port/database` of the user's Postgres; the database is where the suite creates (and drops) its own. */
  databaseUrl: "CHAOS_EXTERNAL_DATABASE_URL",
  /** The user's S3 endpoint, `http(s)://host:port`, without credentials. */
  s3Endpoint: "CHAOS_EXTERNAL_S3_ENDPOINT",
  /** The bucket the suite seeds its corpus into, under prefixes of its own. */
  s3Bucket: "CHAOS_EXTERNAL_S3_BUCKET",
  /** Default `us-east-1`. */
  s3Region: "CHAOS_EXTERNAL_S3_REGION",
  /** The S3 access key; `AWS_ACCESS_KEY_ID` when unset. */
  s3AccessKeyId: "CHAOS_EXTERNAL_S3_ACCESS_KEY_ID",
  /** The S3 secret key; `AWS_SECRET_ACCESS_KEY` when unset. */
  s3SecretAccessKey: "CHAOS_EXTERNAL_S3_SECRET_ACCESS_KEY",
  /** The user's Toxiproxy API, `http://host:8474`; unset, the suite starts its own proxies on this machine. */
  toxiproxyUrl: "CHAOS_EXTERNAL_TOXIPROXY_URL",
  /** With a Toxiproxy: the name of its proxy in front of the Postgres above. */
  toxiproxyPostgresProxy: "CHAOS_EXTERNAL_TOXIPROXY_POSTGRES_PROXY",
  /** With a Toxiproxy: the name of its proxy in front of the S3 endpoint above. */
  toxiproxyS3Proxy: "CHAOS_EXTERNAL_TOXIPROXY_S3_PROXY",
} as const;

const AWS_FALLBACK = { s3AccessKeyId: "AWS_ACCESS_KEY_ID", s3SecretAccessKey: "AWS_SECRET_ACCESS_KEY" } as const;

/** A host and TCP port. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** The user's Toxiproxy and its proxies in front of the two services. */
export interface ExternalToxiproxy {
  readonly url: string;
  readonly api: HostPort;
  readonly proxies: { readonly postgres: string; readonly s3: string };
}

/** A running stack given by URLs, validated. Holds credentials: never log it. */
export interface ExternalConfig {
  /** Connection string of the user's Postgres (contains the password). */
  readonly databaseUrl: string;
  readonly postgres: HostPort;
  readonly s3: {
    readonly endpoint: string;
    readonly address: HostPort;
    readonly bucket: string;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** Undefined: the project's own Toxiproxy-compatible server and fault proxies start on this machine, in front of the services. */
  readonly toxiproxy: ExternalToxiproxy | undefined;
}

/** A variable of the external environment is missing or wrong; the message names it and never quotes a credential. */
export class ExternalConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`invalid external environment: ${variable} ${problem}`);
    this.name = "ExternalConfigError";
  }
}

type Variables = Readonly<Record<string, string | undefined>>;

/** Reads and validates the external environment's variables (see {@link EXTERNAL_VARIABLES}). */
export function externalConfigFromEnv(variables: Variables = process.env): ExternalConfig {
  const value = (name: keyof typeof EXTERNAL_VARIABLES) => variables[EXTERNAL_VARIABLES[name]]?.trim() || undefined;
  const required = (name: keyof typeof EXTERNAL_VARIABLES, what: string) => {
    const found = value(name);
    if (found === undefined) throw new ExternalConfigError(EXTERNAL_VARIABLES[name], `is required (${what})`);
    return found;
  };
  const { databaseUrl, postgres } = parseDatabaseUrl(required("databaseUrl", "the URL of your Postgres, postgres://user:password@host:port/database"));
  const s3Endpoint = parseHttpUrl(EXTERNAL_VARIABLES.s3Endpoint, required("s3Endpoint", "your S3 endpoint, http://host:port"), "S3");
  if (s3Endpoint.url.startsWith("https:")) {
    throw new ExternalConfigError(
      EXTERNAL_VARIABLES.s3Endpoint,
      "must be an http:// endpoint: the S3 fault layer in the pipeline's path reads requests and answers, so it cannot sit in front of TLS",
    );
  }
  const bucket = required("s3Bucket", "the bucket to seed the corpus into");
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ExternalConfigError(
      EXTERNAL_VARIABLES.s3Bucket,
      `must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens), got ${JSON.stringify(bucket)}`,
    );
  }
  const credential = (name: keyof typeof AWS_FALLBACK) => {
    const found = value(name) ?? (variables[AWS_FALLBACK[name]]?.trim() || undefined);
    if (found === undefined) throw new ExternalConfigError(EXTERNAL_VARIABLES[name], `is required (or ${AWS_FALLBACK[name]})`);
    return found;
  };
  const toxiproxyUrl = value("toxiproxyUrl");
  let toxiproxy: ExternalToxiproxy | undefined;
  if (toxiproxyUrl !== undefined) {
    const api = parseHttpUrl(EXTERNAL_VARIABLES.toxiproxyUrl, toxiproxyUrl, "Toxiproxy API");
    const proxyName = (name: "toxiproxyPostgresProxy" | "toxiproxyS3Proxy", service: string) => {
      const found = required(name, `the name of the Toxiproxy proxy in front of ${service}, since ${EXTERNAL_VARIABLES.toxiproxyUrl} is set`);
      if (!/^[\w.-]+$/.test(found))
        throw new ExternalConfigError(EXTERNAL_VARIABLES[name], `must be a Toxiproxy proxy name ([A-Za-z0-9_.-]), got ${JSON.stringify(found)}`);
      return found;
    };
    toxiproxy = {
      url: api.url,
      api: api.address,
      proxies: { postgres: proxyName("toxiproxyPostgresProxy", "Postgres"), s3: proxyName("toxiproxyS3Proxy", "S3") },
    };
  }
  return {
    databaseUrl,
    postgres,
    s3: {
      endpoint: s3Endpoint.url,
      address: s3Endpoint.address,
      bucket,
      region: value("s3Region") ?? "us-east-1",
      credentials: { accessKeyId: credential("s3AccessKeyId"), secretAccessKey: credential("s3SecretAccessKey") },
    },
    toxiproxy,
  };
}

/**
 * What faults land on, for the blast-radius guard and journals: the exact
 * host:port of each dependency (and of the Toxiproxy, when the user's), never
 * credentials.
 */
export function externalTarget(config: Pick<ExternalConfig, "postgres" | "s3" | "toxiproxy">): string {
  const parts = [`postgres ${display(config.postgres)}`, `s3 ${display(config.s3.address)}`];
  if (config.toxiproxy) parts.push(`toxiproxy ${display(config.toxiproxy.api)}`);
  return `external (${parts.join(", ")})`;
}

function display({ host, port }: HostPort): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

const PLAIN_SSL_MODES = new Set(["disable", "allow", "prefer"]);

function parseDatabaseUrl(raw: string): { databaseUrl: string; postgres: HostPort } {
  const variable = EXTERNAL_VARIABLES.databaseUrl;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The value holds a password: say what is wrong without quoting it.
    throw new ExternalConfigError(variable, "is not a URL; expected postgres://user:password@host:port/database");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:")
    throw new ExternalConfigError(variable, `must be a postgres:// URL, got a ${url.protocol}// URL`);
  const host = unbracket(url.hostname);
  if (host === "" || url.searchParams.has("host")) throw new ExternalConfigError(variable, "must name a TCP host (a Unix socket cannot be proxied)");
  const sslMode = url.searchParams.get("sslmode");
  if (sslMode !== null && !PLAIN_SSL_MODES.has(sslMode)) {
    throw new ExternalConfigError(
      variable,
      `has sslmode=${sslMode}: the Postgres protocol proxy in the pipeline's path speaks plain TCP; use disable or prefer`,
    );
  }
  if (url.pathname.length <= 1)
    throw new ExternalConfigError(variable, "must name a database to connect to (…/postgres), where the suite creates its own databases");
  return { databaseUrl: raw, postgres: { host, port: portOf(url, 5432) } };
}

function parseHttpUrl(variable: string, raw: string, what: string): { url: string; address: HostPort } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ExternalConfigError(variable, `must be the ${what} URL, http(s)://host:port, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ExternalConfigError(variable, `must be an http(s) URL, got a ${url.protocol}// URL`);
  if (url.username || url.password) throw new ExternalConfigError(variable, "must not carry credentials; give them in their own variables");
  if (url.hostname === "") throw new ExternalConfigError(variable, "must name a host");
  return { url: url.origin, address: { host: unbracket(url.hostname), port: portOf(url, url.protocol === "https:" ? 443 : 80) } };
}

function portOf(url: URL, fallback: number): number {
  return url.port === "" ? fallback : Number(url.port);
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
