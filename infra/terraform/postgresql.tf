# PostgreSQL runs in the cluster, not on RDS: like the original (a primary and
# two read replicas), and inside the pipeline namespace so that chaos
# experiments can kill, pause or partition it as they do the pipeline. RDS
# would be sturdier but out of Chaos Mesh's reach. The chart values are shared
# with infra/helm/install.sh (infra/helm/postgresql/).

locals {
  postgresql_values = yamldecode(file("${path.module}/../helm/postgresql/values.yaml"))
  postgresql_host   = "scale-postgresql-primary.${var.pipeline_namespace}.svc.cluster.local"
}

# The blast radius: Chaos Mesh injects only into namespaces with its
# annotation, and the chaos suite writes only where it finds its label.
resource "kubernetes_namespace_v1" "pipeline" {
  metadata {
    name = var.pipeline_namespace
    labels = {
      "app.kubernetes.io/part-of"          = "chaos-control"
      "chaos-control.io/allow-chaos"       = "true"
      "pod-security.kubernetes.io/enforce" = "baseline"
      "pod-security.kubernetes.io/warn"    = "restricted"
      "pod-security.kubernetes.io/audit"   = "restricted"
    }
    annotations = {
      "chaos-mesh.org/inject" = "enabled"
    }
  }
}

# Outside the blast radius: no chaos annotation or label, and its pods run on the tainted monitoring nodes.
resource "kubernetes_namespace_v1" "monitoring" {
  metadata {
    name = "monitoring"
    labels = {
      "app.kubernetes.io/part-of" = "chaos-control"
    }
  }
}

resource "random_password" "postgresql" {
  for_each = toset(["admin", "user", "replication"])
  length   = 32
  special  = false
}

resource "kubernetes_secret_v1" "postgresql_auth" {
  metadata {
    name      = local.postgresql_values.auth.existingSecret
    namespace = kubernetes_namespace_v1.pipeline.metadata[0].name
  }
  data = {
    (local.postgresql_values.auth.secretKeys.adminPasswordKey)       = random_password.postgresql["admin"].result
    (local.postgresql_values.auth.secretKeys.userPasswordKey)        = random_password.postgresql["user"].result
    (local.postgresql_values.auth.secretKeys.replicationPasswordKey) = random_password.postgresql["replication"].result
  }
}

# What the pipeline pods read (see infra/k8s/base/secret.example.yaml). No AWS
# keys: S3 access comes from IRSA.
resource "kubernetes_secret_v1" "pipeline" {
  metadata {
    name      = "scale-pipeline"
    namespace = kubernetes_namespace_v1.pipeline.metadata[0].name
    labels = {
      "app.kubernetes.io/name"    = "scale"
      "app.kubernetes.io/part-of" = "chaos-control"
    }
  }
  data = {
    DATABASE_URL = "postgres://${local.postgresql_values.auth.username}:${random_password.postgresql["user"].result}@${local.postgresql_host}:5432/${local.postgresql_values.auth.database}"
  }
}

resource "helm_release" "postgresql" {
  name       = "scale"
  namespace  = kubernetes_namespace_v1.pipeline.metadata[0].name
  repository = "oci://registry-1.docker.io/bitnamicharts"
  chart      = "postgresql"
  version    = var.postgresql_chart_version
  values = [
    file("${path.module}/../helm/postgresql/values.yaml"),
    file("${path.module}/../helm/postgresql/values-staging.yaml"),
  ]
  wait    = true
  timeout = 900

  depends_on = [
    kubernetes_secret_v1.postgresql_auth,
    kubernetes_storage_class_v1.gp3,
    aws_eks_node_group.pipeline,
  ]
}
