variable "region" {
  description = "The AWS region everything runs in."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "The deployment's name: prefixes every resource and the SSM parameters (/NAME/…)."
  type        = string
  default     = "murmuration"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.name))
    error_message = "name: lower-case letters, digits and dashes, starting with a letter, at most 20 characters."
  }
}

variable "image" {
  description = "Murmuration's container image in a registry the machines can pull from, pinned by digest, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/murmuration@sha256:… (docs/deploy.md, step 3). The coordinator and the workers run it."
  type        = string
}

variable "webhook_image" {
  description = "The webhook service's image: Murmuration's, built on a base that also has git and the tested server's build tools (docs/image.md). null: image."
  type        = string
  default     = null
}

variable "ami_id" {
  description = "The Amazon Linux 2023 x86_64 machine image of every machine, pinned (a new one replaces the machines): aws ssm get-parameter --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --query Parameter.Value --output text."
  type        = string
  validation {
    condition     = can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id: an AMI id, ami- and 8 to 17 hex digits."
  }
}

variable "vpc_cidr" {
  description = "The VPC's address range; two /24 public subnets are made in it, in two availability zones."
  type        = string
  default     = "10.40.0.0/16"
}

variable "public_cidrs" {
  description = "Who may reach the load balancer (Grafana and the webhook) over HTTPS: GitHub's hook addresses and your users'. Everything else is reachable only inside the VPC or through SSM Session Manager."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "certificate_arn" {
  description = "An ACM certificate in the region, issued and validated, for grafana_hostname and webhook_hostname (docs/deploy.md, step 2)."
  type        = string
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$", var.certificate_arn))
    error_message = "certificate_arn: an ACM certificate ARN, arn:aws:acm:REGION:ACCOUNT:certificate/ID."
  }
}

variable "grafana_hostname" {
  description = "Grafana's public host name, covered by the certificate; point it (CNAME) at the load_balancer_dns_name output."
  type        = string
}

variable "webhook_hostname" {
  description = "The webhook service's public host name, covered by the certificate; point it (CNAME) at the load_balancer_dns_name output."
  type        = string
}

variable "worker_count" {
  description = "How many worker machines (murm node); sizing: docs/cluster.md."
  type        = number
  default     = 2
}

variable "worker_instance_type" {
  description = "The workers' instance type."
  type        = string
  default     = "c7i.xlarge"
}

variable "coordinator_instance_type" {
  description = "The coordinator's instance type."
  type        = string
  default     = "t3.medium"
}

variable "influxdb_instance_type" {
  description = "InfluxDB's instance type."
  type        = string
  default     = "t3.medium"
}

variable "grafana_instance_type" {
  description = "Grafana's instance type."
  type        = string
  default     = "t3.small"
}

variable "webhook_instance_type" {
  description = "The webhook service's instance type: it builds and runs the server under test."
  type        = string
  default     = "c7i.xlarge"
}

variable "server_ports" {
  description = "The ports of the server under test, on the webhook service's machine, that the workers connect to."
  type        = list(number)
  default     = [5222]
}

variable "public_status_page" {
  description = "Whether the webhook service's status page is public at https://webhook_hostname/ (see the webhook module)."
  type        = bool
  default     = false
}

variable "cluster_certs_dir" {
  description = "The folder murm cluster certs --out DIR --node coordinator --node worker made: its truststore and the coordinator's and the workers' keystores are read from it (not ca.p12)."
  type        = string
}

variable "control_api_token" {
  description = "The coordinator's control API token, 16 characters or more: head -c 24 /dev/urandom | base64."
  type        = string
  sensitive   = true
}

variable "influx_admin_password" {
  description = "InfluxDB's admin password, 16 characters or more."
  type        = string
  sensitive   = true
}

variable "influx_writer_password" {
  description = "The password of InfluxDB user murmuration (the coordinator and the webhook service), 16 characters or more."
  type        = string
  sensitive   = true
}

variable "influx_reader_password" {
  description = "The password of InfluxDB user grafana (read only), 16 characters or more."
  type        = string
  sensitive   = true
}

variable "grafana_admin_password" {
  description = "Grafana's admin password, 16 characters or more."
  type        = string
  sensitive   = true
}

variable "webhook_secret" {
  description = "The GitHub App's webhook secret, 16 characters or more."
  type        = string
  sensitive   = true
}

variable "github_app_id" {
  description = "The GitHub App's numeric id."
  type        = string
}

variable "github_app_private_key" {
  description = "The GitHub App's private key, the PEM file's text: TF_VAR_github_app_private_key=\"$(cat app.private-key.pem)\"."
  type        = string
  sensitive   = true
}

variable "database_password" {
  description = "The job store's PostgreSQL password, 16 characters or more, without spaces, /, @ or \"."
  type        = string
  sensitive   = true
}
