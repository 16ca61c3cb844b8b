#!/usr/bin/env bash
# Builds the local images of the containers environment with Podman, for
# machines that reach no image registry: a Debian bookworm base from
# debootstrap, PostgreSQL 15 with the official postgres image's interface, and
# Node.js images running an S3 server with MinIO's interface and the
# project's Toxiproxy-compatible server. Tags come from
# src/chaos/containers/images.ts (LOCAL_IMAGES), the one place images are pinned.
#
#   infra/images/build.sh            build what is missing or out of date
#   infra/images/build.sh --force    rebuild everything (the debootstrap tarball stays cached)
#
# Every image carries the label org.chaos-control.inputs, a hash of what it
# was built from (its files, its parent's hash, the Node.js binary, the
# bundled sources); an image whose label matches is not rebuilt. Slow steps
# are cached in CHAOS_CONTAINERS_CACHE_DIR (default /var/cache/chaos-control):
# the debootstrap root filesystem (~35 s) and the PostgreSQL image (apt-get,
# ~25 s), so a wiped image store is restored with `podman load` in seconds.
# Needs root (debootstrap), podman, debootstrap, and a Debian mirror
# (CHAOS_DEBIAN_MIRROR, default http://deb.debian.org/debian). Podman reads
# CONTAINERS_CONF as usual; .ci/containers-setup.sh sets it.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE_DIR="${CHAOS_CONTAINERS_CACHE_DIR:-/var/cache/chaos-control}"
MIRROR="${CHAOS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm
LABEL=org.chaos-control.inputs
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

log() { printf 'images: %s\n' "$*" >&2; }

cd "$ROOT"
eval "$(node --import tsx --input-type=module -e '
  const { LOCAL_IMAGES, LOCAL_BASE_IMAGES } = await import("./src/chaos/containers/images.ts");
  const all = { ...LOCAL_BASE_IMAGES, ...LOCAL_IMAGES };
  for (const [name, image] of Object.entries(all)) console.log(`${name.toUpperCase()}_IMAGE=${JSON.stringify(image)}`);
')"
: "${DEBIAN_IMAGE:?}" "${NODE_IMAGE:?}" "${POSTGRES_IMAGE:?}" "${MINIO_IMAGE:?}" "${TOXIPROXY_IMAGE:?}"
ESBUILD="$ROOT/node_modules/.bin/esbuild"
[ -x "$ESBUILD" ] || { log "missing $ESBUILD (it comes with tsx): run npm ci first"; exit 1; }

mkdir -p "$CACHE_DIR"
WORK="$(mktemp -d /tmp/chaos-images.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

# hash STRING... FILE...: a short digest of the strings and the files' contents.
hash() {
  { for arg in "$@"; do if [ -f "$arg" ]; then sha256sum "$arg" | cut -d' ' -f1; else printf '%s\n' "$arg"; fi; done; } | sha256sum | cut -c1-16
}
built_from() { podman image inspect --format "{{ index .Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }
up_to_date() { [ "$FORCE" = 0 ] && [ "$(built_from "$1")" = "$2" ]; }
image_id() { podman image inspect --format '{{ .Id }}' "$1" 2>/dev/null || true; }
# Removes the image a rebuild replaced, unless something still uses it.
drop_replaced() {
  local old="$1" tag="$2"
  [ -n "$old" ] && [ "$old" != "$(image_id "$tag")" ] && podman rmi "$old" >/dev/null 2>&1 || true
}

build() { # build TAG KEY DIR CONTEXT [--build-arg ...]
  local tag="$1" key="$2" dir="$3" context="$4" old
  shift 4
  old="$(image_id "$tag")"
  log "building $tag"
  podman build --quiet --pull=never --layers --label "$LABEL=$key" --file "$dir/Containerfile" --tag "$tag" "$@" "$context" >/dev/null
  drop_replaced "$old" "$tag"
}

# --- Debian base: debootstrap --variant=minbase, trimmed, imported ---
DEBOOTSTRAP_RECIPE="v1 $SUITE minbase $MIRROR no-docs no-locales"
BASE_KEY="$(hash "$DEBOOTSTRAP_RECIPE")"
ROOTFS_TAR="$CACHE_DIR/debian-$SUITE-minbase-$BASE_KEY.tar"
if ! up_to_date "$DEBIAN_IMAGE" "$BASE_KEY"; then
  if [ ! -s "$ROOTFS_TAR" ]; then
    log "debootstrap --variant=minbase $SUITE from $MIRROR (about 30 s)"
    command -v debootstrap >/dev/null || { log "debootstrap is not installed"; exit 1; }
    rootfs="$WORK/rootfs"
    debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
    cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb ${MIRROR%/debian}/debian-security $SUITE-security main
EOF
    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/01-chaos-control-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/01-chaos-control-no-recommends"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
      "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log
    find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    tar --numeric-owner -C "$rootfs" -cf "$ROOTFS_TAR.partial" .
    mv "$ROOTFS_TAR.partial" "$ROOTFS_TAR"
    rm -rf "$rootfs"
    find "$CACHE_DIR" -maxdepth 1 -name "debian-$SUITE-minbase-*.tar" ! -name "$(basename "$ROOTFS_TAR")" -delete
  fi
  log "importing $DEBIAN_IMAGE"
  old="$(image_id "$DEBIAN_IMAGE")"
  podman import --quiet --change "LABEL $LABEL=$BASE_KEY" --change 'CMD ["/bin/bash"]' "$ROOTFS_TAR" "$DEBIAN_IMAGE" >/dev/null
  drop_replaced "$old" "$DEBIAN_IMAGE"
fi

# --- PostgreSQL: apt-get inside the base; the built image is cached as an archive ---
PG_KEY="$(hash "$BASE_KEY" "$HERE/postgres/Containerfile" "$HERE/postgres/docker-entrypoint.sh")"
PG_ARCHIVE="$CACHE_DIR/postgres-$PG_KEY.tar"
if ! up_to_date "$POSTGRES_IMAGE" "$PG_KEY"; then
  if [ "$FORCE" = 0 ] && [ -s "$PG_ARCHIVE" ]; then
    log "loading $POSTGRES_IMAGE from $PG_ARCHIVE"
    podman load --quiet --input "$PG_ARCHIVE" >/dev/null
  else
    build "$POSTGRES_IMAGE" "$PG_KEY" "$HERE/postgres" "$HERE/postgres" --build-arg "BASE_IMAGE=$DEBIAN_IMAGE"
    podman save --quiet --format docker-archive --output "$PG_ARCHIVE.partial" "$POSTGRES_IMAGE"
    mv "$PG_ARCHIVE.partial" "$PG_ARCHIVE"
    find "$CACHE_DIR" -maxdepth 1 -name 'postgres-*.tar' ! -name "$(basename "$PG_ARCHIVE")" -delete
  fi
fi

# --- Node.js: the host's binary on the base ---
NODE_BIN="$(command -v node)"
NODE_KEY="$(hash "$BASE_KEY" "$HERE/node/Containerfile" "$NODE_BIN")"
if ! up_to_date "$NODE_IMAGE" "$NODE_KEY"; then
  mkdir -p "$WORK/node"
  cp "$NODE_BIN" "$WORK/node/node"
  build "$NODE_IMAGE" "$NODE_KEY" "$HERE/node" "$WORK/node" --build-arg "BASE_IMAGE=$DEBIAN_IMAGE"
fi

# bundle ENTRY OUT: one CommonJS file with every dependency, for Node.js without node_modules.
bundle() { "$ESBUILD" --bundle --platform=node --target=node20 --format=cjs --log-level=warning --outfile="$2" "$1"; }

# --- S3 with MinIO's interface: s3rver bundled ---
S3RVER_VERSION="$(node -p 'require("s3rver/package.json").version')"
S3_KEY="$(hash "$NODE_KEY" "s3rver $S3RVER_VERSION" "$HERE/s3/Containerfile" "$HERE/s3/minio-compat-server.mjs")"
if ! up_to_date "$MINIO_IMAGE" "$S3_KEY"; then
  mkdir -p "$WORK/s3"
  bundle "$HERE/s3/minio-compat-server.mjs" "$WORK/s3/server.cjs"
  build "$MINIO_IMAGE" "$S3_KEY" "$HERE/s3" "$WORK/s3" --build-arg "NODE_IMAGE=$NODE_IMAGE"
fi

# --- Toxiproxy API: the project's server bundled ---
mapfile -t TOXIPROXY_SOURCES < <(find "$ROOT/src/chaos/toxiproxy" -name '*.ts' ! -name '*.test.ts' | sort)
TOXIPROXY_KEY="$(hash "$NODE_KEY" "$HERE/toxiproxy/Containerfile" "$HERE/toxiproxy/toxiproxy-main.mjs" "${TOXIPROXY_SOURCES[@]}")"
if ! up_to_date "$TOXIPROXY_IMAGE" "$TOXIPROXY_KEY"; then
  mkdir -p "$WORK/toxiproxy"
  bundle "$HERE/toxiproxy/toxiproxy-main.mjs" "$WORK/toxiproxy/toxiproxy.cjs"
  build "$TOXIPROXY_IMAGE" "$TOXIPROXY_KEY" "$HERE/toxiproxy" "$WORK/toxiproxy" --build-arg "NODE_IMAGE=$NODE_IMAGE"
fi

log "ready: $POSTGRES_IMAGE $MINIO_IMAGE $TOXIPROXY_IMAGE"
