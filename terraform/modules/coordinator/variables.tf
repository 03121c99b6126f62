variable "name" {
  description = "The deployment's name: prefixes the coordinator's resources and its SSM parameters (/NAME/coordinator/…)."
  type        = string
}

variable "region" {
  description = "The AWS region (where the coordinator reads its secrets)."
  type        = string
}

variable "image" {
  description = "Murmuration's container image (docs/image.md), e.g. an ECR reference pinned by digest."
  type        = string
}

variable "ami_id" {
  description = "The machine image: Amazon Linux 2023 (x86_64). A new one replaces the coordinator, so pin it."
  type        = string
}

variable "instance_type" {
  description = "The coordinator's EC2 instance type: it runs no users; 50,000 users on three workers took 13 s of CPU over 6 minutes and 386 MiB (docs/cluster.md, Sizing)."
  type        = string
}

variable "subnet_id" {
  description = "The subnet the coordinator runs in."
  type        = string
}

variable "vpc_id" {
  description = "The VPC of the subnet."
  type        = string
}

variable "private_ip" {
  description = "The coordinator's fixed private address in the subnet: the workers' seed, known before the machine exists."
  type        = string
  validation {
    condition     = can(cidrnetmask("${var.private_ip}/32"))
    error_message = "private_ip: an IPv4 address in the subnet, e.g. 10.40.1.10."
  }
}

variable "worker_security_group_id" {
  description = "The workers' security group: let in on the cluster port."
  type        = string
}

variable "api_client_security_group_ids" {
  description = "Security groups let in to the control API, by a name for the rule (e.g. { webhook = sg-… }): the webhook service's."
  type        = map(string)
  default     = {}
}

variable "api_token" {
  description = "The control API's bearer token, 16 characters or more (murm coordinator --api-token-file); the webhook service gets the same. Make one with: head -c 24 /dev/urandom | base64."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.api_token) >= 16 && can(regex("^[!-~]+$", var.api_token))
    error_message = "api_token: 16 printable characters or more, no spaces."
  }
}

variable "cluster_certs" {
  description = "The cluster's TLS stores (docs/cluster-tls.md), as murm cluster certs --out DIR --node coordinator made them: truststore.p12 and coordinator.p12 base64-encoded (filebase64), and the contents of truststore.password and coordinator.password."
  type = object({
    truststore_p12_base64 = string
    truststore_password   = string
    keystore_p12_base64   = string
    keystore_password     = string
  })
  sensitive = true
}

variable "influx_url" {
  description = "The InfluxDB the runs write to (murm coordinator --influx): the influxdb module's url."
  type        = string
}

variable "influx_database" {
  description = "The InfluxDB database of the runs."
  type        = string
}

variable "influx_user" {
  description = "The InfluxDB user the runs write as."
  type        = string
}

variable "influx_password" {
  description = "That user's password."
  type        = string
  sensitive   = true
}

variable "cluster_port" {
  description = "The coordinator's Pekko cluster port (murm coordinator --cluster-bind)."
  type        = number
  default     = 25520
}

variable "api_port" {
  description = "The control API's port (murm coordinator --api)."
  type        = number
  default     = 8086
}
