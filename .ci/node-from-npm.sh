#!/usr/bin/env bash
# A Node.js binary of a given version from the npm registry, cached between runs,
# for running the suite on a Node other than the machine's own.
#
#   bin="$(.ci/node-from-npm.sh 24.22.3)"    prints the directory holding `node`
#   PATH="$bin:$PATH" npx vitest run ...      the suite and every child it spawns on that Node
#
# The registry's `node` package is a wrapper whose preinstall script runs a
# second `npm install` of `node-<platform>-<arch>` (the official build, just
# bin/node) and hard-links its binary; npm 11 already warns that such install
# scripts need approving. The platform package itself has no install script,
# so it is installed directly: the same binary, one step, nothing to approve.
# It brings no npm: npm, npx and the project's node_modules stay those that
# the machine's Node installed (see README, "Node versions").
set -euo pipefail

VERSION="${1:-}"
if [[ ! "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "usage: $0 MAJOR.MINOR.PATCH (an exact Node version, e.g. 24.22.3)" >&2
  exit 2
fi
CACHE_DIR="${CHAOS_NODE_CACHE_DIR:-/var/cache/chaos-control}/node-$VERSION"

log() { printf 'node-from-npm: %s\n' "$*" >&2; }

case "$(uname -s)" in
  Linux) platform=linux ;;
  Darwin) platform=darwin ;;
  *)
    log "no Node package for $(uname -s)"
    exit 1
    ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *)
    log "no Node package for $(uname -m)"
    exit 1
    ;;
esac
package="node-$platform-$arch"
bin_dir="$CACHE_DIR/node_modules/$package/bin"

if [ "$("$bin_dir/node" --version 2>/dev/null || true)" != "v$VERSION" ]; then
  started=$SECONDS
  log "installing $package@$VERSION into $CACHE_DIR"
  rm -rf "$CACHE_DIR"
  mkdir -p "$CACHE_DIR"
  # A package.json of its own, so npm installs here and never walks up into a project.
  printf '{ "private": true }\n' >"$CACHE_DIR/package.json"
  npm install --prefix "$CACHE_DIR" --no-save --no-audit --no-fund --no-package-lock --ignore-scripts \
    "$package@$VERSION" >&2
  actual="$("$bin_dir/node" --version)"
  if [ "$actual" != "v$VERSION" ]; then
    log "$bin_dir/node reports $actual, not v$VERSION"
    exit 1
  fi
  log "ready in $((SECONDS - started)) s"
fi
echo "$bin_dir"
