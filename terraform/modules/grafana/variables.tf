variable "name" {
  description = "The deployment's name: prefixes Grafana's resources and its SSM parameters (/NAME/grafana/…)."
  type        = string
}

variable "region" {
  description = "The AWS region (where the machine reads its secrets)."
  type        = string
}

variable "image" {
  description = "The Grafana image. Its version is the one whose published types (@grafana/schema, deploy/src/test/node/package.json) the dashboards are checked against: change both together."
  type        = string
  default     = "grafana/grafana:13.2.3"
}

variable "ami_id" {
  description = "The machine image: Amazon Linux 2023 (x86_64). A new one replaces the machine, so pin it."
  type        = string
}

variable "instance_type" {
  description = "Grafana's EC2 instance type."
  type        = string
}

variable "subnet_id" {
  description = "The subnet Grafana runs in."
  type        = string
}

variable "vpc_id" {
  description = "The VPC of the subnet."
  type        = string
}

variable "hostname" {
  description = "The public host name of Grafana (e.g. grafana.example.com), served by the load balancer over HTTPS: its DNS record points at the load balancer."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", var.hostname))
    error_message = "hostname: a DNS name in lower case, e.g. grafana.example.com."
  }
}

variable "listener_arn" {
  description = "The load balancer's HTTPS listener that forwards requests for hostname to Grafana."
  type        = string
}

variable "listener_rule_priority" {
  description = "The priority of Grafana's rule on the listener, unique among its rules."
  type        = number
  default     = 10
}

variable "alb_security_group_id" {
  description = "The load balancer's security group: the only one let in to Grafana's port."
  type        = string
}

variable "influx_url" {
  description = "The InfluxDB the dashboards read (MURM_INFLUX_URL of dashboards/provisioning/datasources/murmuration.yaml): the influxdb module's url."
  type        = string
}

variable "influx_database" {
  description = "Its database (MURM_INFLUX_DB)."
  type        = string
}

variable "influx_user" {
  description = "The read-only InfluxDB user of the data source (MURM_INFLUX_USER)."
  type        = string
}

variable "influx_password" {
  description = "That user's password (MURM_INFLUX_PASSWORD)."
  type        = string
  sensitive   = true
}

variable "admin_password" {
  description = "The password of Grafana's admin user."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.admin_password) >= 16 && can(regex("^[!-~]+$", var.admin_password))
    error_message = "admin_password: 16 printable characters or more, no spaces."
  }
}
