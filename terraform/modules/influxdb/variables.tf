variable "name" {
  description = "The deployment's name: prefixes InfluxDB's resources and its SSM parameters (/NAME/influxdb/…)."
  type        = string
}

variable "region" {
  description = "The AWS region (where the machine reads its secrets)."
  type        = string
}

variable "image" {
  description = "The InfluxDB 1.x image (the runners write with the v1 API and the dashboards query InfluxQL); its entrypoint creates the database and the users when the data folder is empty."
  type        = string
  default     = "influxdb:1.8.10"
}

variable "ami_id" {
  description = "The machine image: Amazon Linux 2023 (x86_64). A new one replaces the machine (the data volume stays), so pin it."
  type        = string
}

variable "instance_type" {
  description = "InfluxDB's EC2 instance type: one point per run interval (5 s) per run, a few per run end; small."
  type        = string
}

variable "subnet_id" {
  description = "The subnet InfluxDB runs in; its data volume is made in the subnet's availability zone."
  type        = string
}

variable "vpc_id" {
  description = "The VPC of the subnet."
  type        = string
}

variable "data_volume_gib" {
  description = "The size of the EBS volume that holds the data, which outlives the machine."
  type        = number
  default     = 50
}

variable "client_security_group_ids" {
  description = "Security groups let in to the HTTP API, by a name for the rule: the coordinator (writes runs), the webhook service (trend analysis) and Grafana (reads)."
  type        = map(string)
}

variable "database" {
  description = "The database the runs write to (murm --influx-db)."
  type        = string
  default     = "murmuration"
  validation {
    condition     = can(regex("^[a-z][a-z0-9_]*$", var.database))
    error_message = "database: lower-case letters, digits and underscores, starting with a letter."
  }
}

variable "admin_password" {
  description = "The password of InfluxDB's admin user (admin), set when the data volume is new."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.admin_password) >= 16 && can(regex("^[!-~]+$", var.admin_password))
    error_message = "admin_password: 16 printable characters or more, no spaces."
  }
}

variable "writer_password" {
  description = "The password of user murmuration, with all privileges on the database: the coordinator and the webhook service write and analyse as it."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.writer_password) >= 16 && can(regex("^[!-~]+$", var.writer_password))
    error_message = "writer_password: 16 printable characters or more, no spaces."
  }
}

variable "reader_password" {
  description = "The password of user grafana, which may only read the database: Grafana's data source."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.reader_password) >= 16 && can(regex("^[!-~]+$", var.reader_password))
    error_message = "reader_password: 16 printable characters or more, no spaces."
  }
}
