variable "region" {
  description = "AWS region of the staging stack."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "name" {
  description = "Name of the stack: prefixes the cluster, node groups, roles and (by default) the bucket."
  type        = string
  default     = "scale-staging"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version (minor), e.g. 1.33. Indexed Jobs with backoffLimitPerIndex and podReplacementPolicy need 1.29 or later."
  type        = string
  default     = "1.33"

  validation {
    condition     = can(regex("^1\\.(29|[3-9][0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be 1.29 or later, written as major.minor."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC; public /24 and private /20 subnets are carved from it."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && tonumber(split("/", var.vpc_cidr)[1]) <= 16
    error_message = "vpc_cidr must be an IPv4 CIDR block of /16 or larger."
  }
}

variable "availability_zone_count" {
  description = "How many availability zones get a public and a private subnet (the original ran over 3)."
  type        = number
  default     = 3

  validation {
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 3
    error_message = "availability_zone_count must be 2 or 3."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all private subnets (cheaper; staging) instead of one per zone."
  type        = bool
  default     = true
}

variable "cluster_endpoint_public_access_cidrs" {
  description = "Networks allowed to reach the public Kubernetes API endpoint (CI runners and operators). Narrow this where you can."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.cluster_endpoint_public_access_cidrs) > 0 && alltrue([for cidr in var.cluster_endpoint_public_access_cidrs : can(cidrnetmask(cidr))])
    error_message = "cluster_endpoint_public_access_cidrs must be a non-empty list of IPv4 CIDR blocks."
  }
}

variable "node_instance_type" {
  description = "Instance type of the pipeline node group, where the pipeline, PostgreSQL and the chaos daemons run (the original: m4.large)."
  type        = string
  default     = "m4.large"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.node_instance_type))
    error_message = "node_instance_type must be an EC2 instance type such as m4.large."
  }
}

variable "node_count" {
  description = "Nodes in the pipeline node group (desired and minimum; the original: 3)."
  type        = number
  default     = 3

  validation {
    condition     = var.node_count >= 1 && var.node_count <= 20 && floor(var.node_count) == var.node_count
    error_message = "node_count must be a whole number from 1 to 20."
  }
}

variable "node_max_count" {
  description = "Upper bound of the pipeline node group, for a manual scale-up or a cluster autoscaler."
  type        = number
  default     = 6

  validation {
    condition     = var.node_max_count >= 1 && var.node_max_count <= 40
    error_message = "node_max_count must be from 1 to 40."
  }
}

variable "node_disk_size_gib" {
  description = "Root volume of each pipeline node, in GiB."
  type        = number
  default     = 50

  validation {
    condition     = var.node_disk_size_gib >= 20
    error_message = "node_disk_size_gib must be at least 20."
  }
}

variable "monitoring_instance_type" {
  description = "Instance type of the monitoring node group (Prometheus, Grafana, Alertmanager, Pushgateway, Chaos Mesh's controller): outside the chaos blast radius."
  type        = string
  default     = "m5.large"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.monitoring_instance_type))
    error_message = "monitoring_instance_type must be an EC2 instance type such as m5.large."
  }
}

variable "monitoring_node_count" {
  description = "Nodes in the monitoring node group."
  type        = number
  default     = 1

  validation {
    condition     = var.monitoring_node_count >= 1 && var.monitoring_node_count <= 5
    error_message = "monitoring_node_count must be from 1 to 5."
  }
}

variable "bucket_name" {
  description = "Name of the S3 bucket for the MIDI files; null picks <name>-midi-<account id>."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)."
  }
}

variable "midi_prefix" {
  description = "Key prefix the pipeline may read (\"\" for the whole bucket); must match S3_PREFIX of the staging overlay."
  type        = string
  default     = ""

  validation {
    condition     = var.midi_prefix == "" || can(regex("^[^*?]+/$", var.midi_prefix))
    error_message = "midi_prefix must be empty or end with / and contain no wildcards."
  }
}

variable "pipeline_namespace" {
  description = "Kubernetes namespace of the pipeline and its PostgreSQL: the only namespace Chaos Mesh may touch."
  type        = string
  default     = "scale-staging"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.pipeline_namespace)) && var.pipeline_namespace != "monitoring"
    error_message = "pipeline_namespace must be a DNS label and must not be the monitoring namespace."
  }
}

variable "pipeline_service_account" {
  description = "Service account of the extraction pods, trusted by the S3 read role (IRSA)."
  type        = string
  default     = "scale-extract"
}

variable "postgresql_chart_version" {
  description = "Version of the Bitnami postgresql chart (pinned; the same one infra/helm/install.sh uses)."
  type        = string
  default     = "16.7.27"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.postgresql_chart_version))
    error_message = "postgresql_chart_version must be an exact version such as 16.7.27."
  }
}

variable "tags" {
  description = "Extra tags for every AWS resource."
  type        = map(string)
  default     = {}
}
