output "region" {
  description = "AWS region of the stack."
  value       = var.region
}

output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the API server, for a kubeconfig."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "kubeconfig_command" {
  description = "Writes a kubeconfig entry for the cluster."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${aws_eks_cluster.this.name}"
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster, for more IRSA roles."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "public_subnet_ids" {
  description = "Public subnets, one per availability zone."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets (nodes), one per availability zone."
  value       = aws_subnet.private[*].id
}

output "bucket_name" {
  description = "S3 bucket for the MIDI files: S3_BUCKET of the staging overlay."
  value       = aws_s3_bucket.midi.bucket
}

output "bucket_arn" {
  description = "ARN of the MIDI bucket."
  value       = aws_s3_bucket.midi.arn
}

output "pipeline_role_arn" {
  description = "IAM role of the extraction pods (IRSA): the eks.amazonaws.com/role-arn annotation in infra/k8s/overlays/staging/extract-irsa.yaml."
  value       = aws_iam_role.pipeline.arn
}

output "ecr_repository_url" {
  description = "Where to push the chaos-control image."
  value       = aws_ecr_repository.chaos_control.repository_url
}

output "pipeline_namespace" {
  description = "Namespace of the pipeline and PostgreSQL: the chaos blast radius."
  value       = kubernetes_namespace_v1.pipeline.metadata[0].name
}

output "monitoring_namespace" {
  description = "Namespace of Prometheus, Grafana and the Pushgateway, outside the blast radius."
  value       = kubernetes_namespace_v1.monitoring.metadata[0].name
}

output "database_secret_name" {
  description = "Secret in the pipeline namespace holding DATABASE_URL."
  value       = kubernetes_secret_v1.pipeline.metadata[0].name
}

output "postgresql_primary_host" {
  description = "In-cluster DNS name of the PostgreSQL primary."
  value       = local.postgresql_host
}
