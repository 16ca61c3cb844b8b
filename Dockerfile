# syntax=docker/dockerfile:1
# The chaos-control image: runs the Scale pipeline (`chaos-control pipeline`)
# in a Kubernetes Job (infra/k8s). There is no build step: tsx, a production
# dependency, compiles the TypeScript sources when the process starts.
#
#   docker build -t chaos-control:dev .
#   docker run --rm chaos-control:dev --help
#
# The base is pinned by version tag. For reproducible builds pin it by digest
# as well, which also survives a re-pushed tag:
#   docker buildx imagetools inspect node:20.20.2-bookworm-slim   # prints "Digest: sha256:..."
#   FROM node:20.20.2-bookworm-slim@sha256:<that digest> AS deps
# and let Dependabot or Renovate bump tag and digest together.

# --- Production dependencies only (tsx included: it is a runtime dependency). ---
FROM node:20.20.2-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install script runs at build time; none is needed at
# run time (esbuild's binary comes in its platform package).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force

# --- Runtime. ---
FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app

# A user of our own with a fixed numeric id, so that Kubernetes can check
# runAsNonRoot against the image (the pods set runAsUser: 10001 too).
RUN groupadd --system --gid 10001 scale \
    && useradd --system --uid 10001 --gid scale --home-dir /tmp --no-create-home --shell /usr/sbin/nologin scale

# Everything stays owned by root and read-only to the process, which writes
# only to /tmp (an emptyDir in the pods, whose root filesystem is read-only).
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY src ./src
COPY fixtures ./fixtures

USER 10001:10001

# Prometheus metrics, with --metrics-port 9464 --metrics-host 0.0.0.0.
EXPOSE 9464

ENTRYPOINT ["node", "bin/chaos-control.mjs", "pipeline"]
CMD ["--help"]
