provider "aws" {
  region = var.region

  default_tags {
    tags = merge({
      Project     = "chaos-control"
      Environment = "staging"
      ManagedBy   = "terraform"
    }, var.tags)
  }
}

# Both talk to the cluster this configuration creates. On the very first
# apply the cluster does not exist yet: create it first (see infra/README.md),
#   terraform apply -target=aws_eks_node_group.pipeline -target=aws_eks_node_group.monitoring -target=aws_eks_addon.ebs_csi
# then run a plain `terraform apply`.
provider "kubernetes" {
  host                   = aws_eks_cluster.this.endpoint
  cluster_ca_certificate = base64decode(aws_eks_cluster.this.certificate_authority[0].data)

  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", aws_eks_cluster.this.name, "--region", var.region]
  }
}

provider "helm" {
  kubernetes {
    host                   = aws_eks_cluster.this.endpoint
    cluster_ca_certificate = base64decode(aws_eks_cluster.this.certificate_authority[0].data)

    exec {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", aws_eks_cluster.this.name, "--region", var.region]
    }
  }
}
