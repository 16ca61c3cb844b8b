/**
 * The one place the containers environment's images are pinned. Two sets:
 * the official images (real Docker with a registry), and images built on this
 * machine by `infra/images/build.sh` (no registry reachable). Each honours the
 * interface the Testcontainers modules rely on, so the environment starts
 * either set the same way.
 */

/** The images of one environment, by the interface each must honour. */
export interface ContainerImages {
  /** The official postgres image's interface: POSTGRES_USER/PASSWORD/DB, port 5432, `pg_isready`. */
  postgres: string;
  /** MinIO's interface: MINIO_ROOT_USER/PASSWORD, `server … /data`, port 9000, `/minio/health/live`. */
  minio: string;
  /** Toxiproxy 2.x's: HTTP API on 8474. */
  toxiproxy: string;
}

export type ImageSet = "official" | "local";

export const OFFICIAL_IMAGES: Readonly<ContainerImages> = {
  postgres: "postgres:15.13-bookworm",
  minio: "minio/minio:RELEASE.2025-04-22T22-12-26Z",
  toxiproxy: "ghcr.io/shopify/toxiproxy:2.12.0",
};

/** Built by infra/images/build.sh (via .ci/containers-setup.sh); never pulled. */
export const LOCAL_IMAGES: Readonly<ContainerImages> = {
  /** Debian bookworm's postgresql-15. */
  postgres: "localhost/chaos-control/postgres:15",
  /** s3rver 3.7 behind MinIO's command line, credentials and health paths. */
  minio: "localhost/chaos-control/minio-compat:s3rver-3.7.1",
  /** This project's Toxiproxy 2.12-compatible server (src/chaos/toxiproxy/). */
  toxiproxy: "localhost/chaos-control/toxiproxy-compat:2.12.0",
};

/** Intermediate images of the local build, not used by the environment. */
export const LOCAL_BASE_IMAGES = {
  debian: "localhost/chaos-control/debian:bookworm",
  node: "localhost/chaos-control/node:20",
} as const;

/** Environment variables that choose the images. */
export const IMAGE_ENV = {
  /** "official" (default) or "local". */
  set: "CHAOS_CONTAINER_IMAGES",
  postgres: "CHAOS_POSTGRES_IMAGE",
  minio: "CHAOS_MINIO_IMAGE",
  toxiproxy: "CHAOS_TOXIPROXY_IMAGE",
} as const;

/** An image setting that makes no sense, named by its variable. */
export class ImageConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = "ImageConfigError";
  }
}

/**
 * The images to start: the set named by `CHAOS_CONTAINER_IMAGES` (default
 * official), each overridable by its own variable, e.g.
 * `CHAOS_POSTGRES_IMAGE=postgres:16.9-alpine`.
 */
export function resolveContainerImages(env: NodeJS.ProcessEnv = process.env): ContainerImages {
  const set = env[IMAGE_ENV.set] || "official";
  if (set !== "official" && set !== "local") throw new ImageConfigError(IMAGE_ENV.set, `must be "official" or "local", got ${JSON.stringify(set)}`);
  const base = set === "local" ? LOCAL_IMAGES : OFFICIAL_IMAGES;
  const pick = (service: keyof ContainerImages): string => {
    const value = env[IMAGE_ENV[service]];
    if (value === undefined || value === "") return base[service];
    if (/\s/.test(value)) throw new ImageConfigError(IMAGE_ENV[service], `must be an image reference, got ${JSON.stringify(value)}`);
    return value;
  };
  return { postgres: pick("postgres"), minio: pick("minio"), toxiproxy: pick("toxiproxy") };
}

/** Images that only exist where they were built (`localhost/…`): the engine must have them, nothing can pull them. */
export function isLocalOnly(image: string): boolean {
  return image.startsWith("localhost/");
}
