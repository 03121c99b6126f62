variable "name" {
  description = "The deployment's name: prefixes the workers' resources and their SSM parameters (/NAME/worker/…)."
  type        = string
}

variable "region" {
  description = "The AWS region (where the workers read their secrets)."
  type        = string
}

variable "image" {
  description = "Murmuration's container image (docs/image.md), e.g. an ECR reference pinned by digest."
  type        = string
}

variable "worker_count" {
  description = "How many worker machines (murm node). How many users one holds depends on its instance type and the scenario: see docs/cluster.md, Sizing, and watch each node's lag_p99_ms."
  type        = number
  validation {
    condition     = var.worker_count >= 1 && floor(var.worker_count) == var.worker_count
    error_message = "worker_count: a whole number, 1 or more."
  }
}

variable "instance_type" {
  description = "The workers' EC2 instance type: memory per user and CPU per message are measured in docs/performance.md."
  type        = string
}

variable "ami_id" {
  description = "The machine image: Amazon Linux 2023 (x86_64), whose dnf has Docker and which comes with the AWS CLI and the SSM agent. A new one replaces every worker, so pin it."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets the workers run in (any of them; the auto scaling group spreads them)."
  type        = list(string)
}

variable "vpc_id" {
  description = "The VPC of the subnets."
  type        = string
}

variable "seed" {
  description = "The coordinator's cluster address HOST:PORT, the workers' one seed node (murm node --seed): the coordinator module's cluster_address."
  type        = string
  validation {
    condition     = can(regex("^[0-9.]+:[0-9]+$", var.seed))
    error_message = "seed: an IPv4 address and a port, e.g. 10.40.1.10:25520."
  }
}

variable "coordinator_security_group_id" {
  description = "The coordinator's security group: the only other member the workers let in on the cluster port."
  type        = string
}

variable "cluster_certs" {
  description = "The cluster's TLS stores (docs/cluster-tls.md), as murm cluster certs --out DIR --node worker made them: truststore.p12 and worker.p12 base64-encoded (filebase64), and the contents of truststore.password and worker.password."
  type = object({
    truststore_p12_base64 = string
    truststore_password   = string
    keystore_p12_base64   = string
    keystore_password     = string
  })
  sensitive = true
}

variable "cluster_port" {
  description = "The workers' Pekko cluster port (murm node --bind)."
  type        = number
  default     = 25520
}
