#!/usr/bin/env bash
# A Docker-compatible engine for the containers environment on a machine
# without Docker: rootful Podman serving the Docker API on a private socket,
# plus the local images (infra/images/build.sh), since no registry is reachable.
#
#   eval "$(.ci/containers-setup.sh)"      start (idempotent) and export its variables
#   .ci/containers-setup.sh env            print the variables of a running engine
#   .ci/containers-setup.sh status         exit 0 if the engine answers
#   .ci/containers-setup.sh stop           remove leftover containers of the suite, stop the engine
#
# stdout carries only `export NAME=value` lines; progress goes to stderr. The
# same lines are written to $STATE_DIR/env, where the tests look for the
# engine when DOCKER_HOST is not set (src/chaos/containers/container-engine.ts).
#
# Why each setting: this machine's crun cannot raise RLIMIT_NOFILE/NPROC
# under its hybrid cgroups, runc can; Podman runs no health checks without
# systemd (the environment waits with exec'd commands instead); Ryuk's image
# cannot be pulled (the environment stops what it starts itself).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE_DIR="${CHAOS_CONTAINERS_STATE_DIR:-/var/lib/chaos-control/containers}"
SOCKET="$STATE_DIR/podman.sock"
CONF="$STATE_DIR/containers.conf"
PIDFILE="$STATE_DIR/podman.pid"
LOG="$STATE_DIR/podman.log"
ENV_FILE="$STATE_DIR/env"
# Label the environment puts on every container and network it creates.
SUITE_LABEL=org.chaos-control.environment=containers
SERVICE_STARTUP_TIMEOUT_S=20

log() { printf 'containers-setup: %s\n' "$*" >&2; }

env_lines() {
  cat <<EOF
export DOCKER_HOST=unix://$SOCKET
export CONTAINERS_CONF=$CONF
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
export CHAOS_CONTAINER_IMAGES=local
EOF
}

engine() { CONTAINERS_CONF="$CONF" podman "$@"; }
answers() { [ -S "$SOCKET" ] && engine --remote --url "unix://$SOCKET" version >/dev/null 2>&1; }
service_pid() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "system service" && echo "$pid"
}

install_packages() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
  # Published ports go through the CNI portmap plugin, which needs iptables.
  command -v iptables >/dev/null || [ -x /usr/sbin/iptables ] || missing+=(iptables)
  [ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
  [ "${#missing[@]}" -eq 0 ] && return
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    log "missing ${missing[*]}, and cannot install them (needs root and apt-get)"
    exit 1
  fi
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

write_conf() {
  mkdir -p "$STATE_DIR"
  chmod 700 "$STATE_DIR"
  cat >"$CONF.new" <<'EOF'
# Written by .ci/containers-setup.sh.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
EOF
  mv "$CONF.new" "$CONF"
}

start_service() {
  if [ -n "$(service_pid)" ] && answers; then
    log "engine already running (pid $(service_pid))"
    return
  fi
  if [ -n "$(service_pid)" ]; then kill "$(service_pid)" 2>/dev/null || true; fi
  rm -f "$SOCKET"
  log "starting podman system service on unix://$SOCKET"
  CONTAINERS_CONF="$CONF" setsid podman system service --time=0 "unix://$SOCKET" </dev/null >"$LOG" 2>&1 &
  local pid=$!
  echo "$pid" >"$PIDFILE"
  for _ in $(seq $((SERVICE_STARTUP_TIMEOUT_S * 10))); do
    answers && return
    # Whether it is still alive, not what it is called: until setsid has exec'd podman, its command line is this script's.
    if ! kill -0 "$pid" 2>/dev/null; then
      log "podman system service exited; its log:"
      tail -20 "$LOG" >&2
      exit 1
    fi
    sleep 0.1
  done
  log "podman system service did not answer within ${SERVICE_STARTUP_TIMEOUT_S} s; its log:"
  tail -20 "$LOG" >&2
  exit 1
}

remove_leftovers() {
  local ids
  ids="$(engine ps -aq --filter "label=$SUITE_LABEL" 2>/dev/null || true)"
  if [ -n "$ids" ]; then
    log "removing leftover containers: $(echo "$ids" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    engine rm -f -v $ids >/dev/null 2>&1 || true
  fi
  ids="$(engine network ls -q --filter "label=$SUITE_LABEL" 2>/dev/null || true)"
  # shellcheck disable=SC2086
  if [ -n "$ids" ]; then engine network rm -f $ids >/dev/null 2>&1 || true; fi
}

start() {
  if [ "$(id -u)" != 0 ]; then
    log "needs root: it runs rootful Podman (rootless Podman needs subuid ranges and its own socket)"
    exit 1
  fi
  local started=$SECONDS
  install_packages
  write_conf
  start_service
  CONTAINERS_CONF="$CONF" "$ROOT/infra/images/build.sh"
  remove_leftovers
  env_lines >"$ENV_FILE.new"
  mv "$ENV_FILE.new" "$ENV_FILE"
  log "ready in $((SECONDS - started)) s; variables in $ENV_FILE"
  env_lines
}

stop() {
  local pid
  pid="$(service_pid || true)"
  if [ -z "$pid" ]; then
    log "engine not running"
    rm -f "$ENV_FILE" "$PIDFILE"
    return
  fi
  answers && remove_leftovers
  kill "$pid"
  for _ in $(seq 100); do
    [ -d "/proc/$pid" ] || break
    sleep 0.1
  done
  if [ -d "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$SOCKET" "$PIDFILE" "$ENV_FILE"
  # Testcontainers' port-allocation lock file (it leaves it in the temp dir).
  rm -f "${TMPDIR:-/tmp}/testcontainers-node-$(id -u).lock"
  log "engine stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  env)
    answers || { log "engine not running: run $0 start"; exit 1; }
    env_lines
    ;;
  status) answers ;;
  *)
    echo "usage: $0 [start|env|status|stop]" >&2
    exit 2
    ;;
esac
