#!/usr/bin/env bash
# Installs what runs around the Scale pipeline in a cluster:
#   1. kube-prometheus-stack (Prometheus, Alertmanager, Grafana) in namespace monitoring
#   2. the Prometheus Pushgateway, also in monitoring (the chaos suite pushes chaos_fault_active there)
#   3. the pipeline's alert rules and Grafana dashboard (from infra/prometheus and infra/grafana)
#   4. Chaos Mesh in namespace chaos-mesh, injecting only into annotated namespaces
#   5. PostgreSQL (1 primary + 2 read replicas) in the pipeline namespace, on dev only:
#      on staging terraform installs it (infra/terraform/postgresql.tf) with the same values
#
# Monitoring goes first and lives outside the blast radius, so that it sees
# every experiment through (the original's Grafana died during its own).
#
# Usage: infra/helm/install.sh dev|staging
# Needs kubectl and helm (3.8 or later, for OCI charts), with the current
# kubectl context pointing at the target cluster. Safe to re-run.
set -euo pipefail

ENVIRONMENT="${1:-}"
case "$ENVIRONMENT" in
  dev | staging) ;;
  *)
    echo "usage: $0 dev|staging" >&2
    exit 2
    ;;
esac

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INFRA="$(dirname "$HERE")"
PIPELINE_NAMESPACE="scale-$ENVIRONMENT"
MONITORING_NAMESPACE="monitoring"
CHAOS_NAMESPACE="chaos-mesh"

# Chart versions, pinned: bump one at a time, after reading its upgrade notes.
KUBE_PROMETHEUS_STACK_VERSION="77.5.0"
PUSHGATEWAY_VERSION="3.7.0"
# 2.7.3 or later: 2.7.2 and older expose the controller-manager's ctrl (chaosctl) server
# without authentication, which can kill processes in any pod (CVE-2025-59358); see
# enableCtrlServer in chaos-mesh/values.yaml. The 2.8 line removes that server.
CHAOS_MESH_VERSION="2.7.3"
POSTGRESQL_VERSION="16.7.27" # same as postgresql_chart_version in infra/terraform/variables.tf

for tool in kubectl helm; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is required" >&2; exit 1; }
done
echo "Installing into kubectl context '$(kubectl config current-context)' as environment '$ENVIRONMENT'."

# helm_release NAME CHART VERSION NAMESPACE VALUES_DIR [more helm arguments]
# Installs or upgrades a release with VALUES_DIR/values.yaml and, when present,
# VALUES_DIR/values-$ENVIRONMENT.yaml on top.
helm_release() {
  local name="$1" chart="$2" version="$3" namespace="$4" values_dir="$HERE/$5"
  shift 5
  local args=(upgrade --install "$name" "$chart" --version "$version" --namespace "$namespace"
    --create-namespace --wait --timeout 15m -f "$values_dir/values.yaml")
  if [[ -f "$values_dir/values-$ENVIRONMENT.yaml" ]]; then
    args+=(-f "$values_dir/values-$ENVIRONMENT.yaml")
  fi
  helm "${args[@]}" "$@"
}

# create_secret_once NAMESPACE NAME KEY=VALUE... : leaves an existing Secret (and its passwords) alone.
create_secret_once() {
  local namespace="$1" name="$2"
  shift 2
  if kubectl -n "$namespace" get secret "$name" >/dev/null 2>&1; then
    return 0
  fi
  local literals=()
  for pair in "$@"; do literals+=(--from-literal="$pair"); done
  kubectl -n "$namespace" create secret generic "$name" "${literals[@]}" >/dev/null
  echo "created secret $namespace/$name"
}

random_password() {
  head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32
}

# ensure_namespace NAME [chaos]: creates it if missing; with "chaos", marks it
# as the blast radius: the annotation lets Chaos Mesh inject into it, the label
# lets the chaos suite create experiments there (the only namespace marked so).
ensure_namespace() {
  kubectl create namespace "$1" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  kubectl label --overwrite namespace "$1" app.kubernetes.io/part-of=chaos-control >/dev/null
  if [[ "${2:-}" == chaos ]]; then
    kubectl annotate --overwrite namespace "$1" chaos-mesh.org/inject=enabled >/dev/null
    kubectl label --overwrite namespace "$1" chaos-control.io/allow-chaos=true >/dev/null
  fi
}

helm repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update >/dev/null
helm repo add chaos-mesh https://charts.chaos-mesh.org --force-update >/dev/null
helm repo update prometheus-community chaos-mesh >/dev/null

# Namespaces. On staging terraform owns them (and their labels); do not fight it.
if [[ "$ENVIRONMENT" == dev ]]; then
  ensure_namespace "$MONITORING_NAMESPACE"
  ensure_namespace "$PIPELINE_NAMESPACE" chaos
fi
ensure_namespace "$CHAOS_NAMESPACE"

# 1-2. Monitoring.
create_secret_once "$MONITORING_NAMESPACE" grafana-admin admin-user=admin "admin-password=$(random_password)"
helm_release kube-prometheus-stack prometheus-community/kube-prometheus-stack "$KUBE_PROMETHEUS_STACK_VERSION" \
  "$MONITORING_NAMESPACE" kube-prometheus-stack
helm_release pushgateway prometheus-community/prometheus-pushgateway "$PUSHGATEWAY_VERSION" \
  "$MONITORING_NAMESPACE" pushgateway

# 3. Rules and dashboards. Server-side apply: a dashboard can outgrow the
# annotation client-side apply would store it in.
kubectl apply --server-side --force-conflicts -f "$INFRA/prometheus/prometheus-rule.yaml"
kubectl -n "$MONITORING_NAMESPACE" create configmap scale-dashboards --from-file="$INFRA/grafana" \
  --dry-run=client -o yaml | kubectl apply --server-side --force-conflicts -f -
kubectl -n "$MONITORING_NAMESPACE" label --overwrite configmap scale-dashboards grafana_dashboard=1 >/dev/null
kubectl -n "$MONITORING_NAMESPACE" annotate --overwrite configmap scale-dashboards grafana_folder=Scale >/dev/null

# 4. Chaos Mesh.
helm_release chaos-mesh chaos-mesh/chaos-mesh "$CHAOS_MESH_VERSION" "$CHAOS_NAMESPACE" chaos-mesh

# 5. PostgreSQL, and the Secret the pipeline pods read (dev; terraform does both on staging).
if [[ "$ENVIRONMENT" == dev ]]; then
  user_password="$(random_password)"
  create_secret_once "$PIPELINE_NAMESPACE" scale-postgresql-auth \
    "postgres-password=$(random_password)" "password=$user_password" "replication-password=$(random_password)"
  # Read back: the Secret may predate this run.
  user_password="$(kubectl -n "$PIPELINE_NAMESPACE" get secret scale-postgresql-auth -o jsonpath='{.data.password}' | base64 -d)"
  helm_release scale oci://registry-1.docker.io/bitnamicharts/postgresql "$POSTGRESQL_VERSION" \
    "$PIPELINE_NAMESPACE" postgresql
  create_secret_once "$PIPELINE_NAMESPACE" scale-pipeline \
    "DATABASE_URL=postgres://scale:$user_password@scale-postgresql-primary.$PIPELINE_NAMESPACE.svc.cluster.local:5432/scale"
fi

cat <<DONE

Done. Next:
  kubectl apply -k infra/k8s/overlays/$ENVIRONMENT      # the pipeline Jobs
  kubectl -n $MONITORING_NAMESPACE port-forward svc/kube-prometheus-stack-grafana 3000:80
    (user admin; password: kubectl -n $MONITORING_NAMESPACE get secret grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d)
  kubectl -n $MONITORING_NAMESPACE port-forward svc/pushgateway-prometheus-pushgateway 9091
DONE
