variable "name" {
  description = "The deployment's name: prefixes the webhook service's resources and its SSM parameters (/NAME/webhook/…)."
  type        = string
}

variable "region" {
  description = "The AWS region (where the machine reads its secrets)."
  type        = string
}

variable "image" {
  description = "Murmuration's container image built on a base that also has git and what the tested server's build and start commands need (docs/image.md): the service builds and runs the server under test in its own container."
  type        = string
}

variable "ami_id" {
  description = "The machine image: Amazon Linux 2023 (x86_64). A new one replaces the machine (the job store is in the database), so pin it."
  type        = string
}

variable "instance_type" {
  description = "The service's EC2 instance type: it builds and runs the server under test, whose load comes from the workers."
  type        = string
}

variable "subnet_ids" {
  description = "Two or more subnets in different availability zones: the service runs in the first, the database's subnet group spans them all."
  type        = list(string)
  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids: two or more, in different availability zones (an RDS subnet group needs two)."
  }
}

variable "vpc_id" {
  description = "The VPC of the subnets."
  type        = string
}

variable "hostname" {
  description = "The public host name of the service (e.g. hooks.example.com): GitHub posts to https://HOSTNAME/webhook through the load balancer."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", var.hostname))
    error_message = "hostname: a DNS name in lower case, e.g. hooks.example.com."
  }
}

variable "listener_arn" {
  description = "The load balancer's HTTPS listener: it forwards POST /webhook for hostname to the service, and nothing else (the status page stays inside the VPC)."
  type        = string
}

variable "listener_rule_priority" {
  description = "The priority of the service's rule on the listener, unique among its rules."
  type        = number
  default     = 20
}

variable "public_status_page" {
  description = "Whether the load balancer also serves the status page (GET /, /jobs/…, /status.json) at https://HOSTNAME/, and check runs link to it. It shows repositories, branches, commits and step logs: leave false for private repositories and reach it with status_page_tunnel."
  type        = bool
  default     = false
}

variable "alb_security_group_id" {
  description = "The load balancer's security group: let in to the service's port."
  type        = string
}

variable "worker_security_group_id" {
  description = "The workers' security group: let in to the server under test's ports."
  type        = string
}

variable "server_ports" {
  description = "The ports the server under test listens on for the workers (the repository's xmpp.target on this machine's private address, docs/github.md, Running on a cluster)."
  type        = list(number)
  default     = [5222]
}

variable "webhook_secret" {
  description = "The GitHub App's webhook secret (MURM_WEBHOOK_SECRET_FILE): deliveries signed otherwise are refused."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.webhook_secret) >= 16
    error_message = "webhook_secret: 16 characters or more."
  }
}

variable "github_app_id" {
  description = "The GitHub App's id (MURM_GITHUB_APP_ID)."
  type        = string
  validation {
    condition     = can(regex("^[0-9]+$", var.github_app_id))
    error_message = "github_app_id: the App's numeric id."
  }
}

variable "github_app_private_key" {
  description = "The GitHub App's private key, the PEM file's text (MURM_GITHUB_APP_KEY_FILE)."
  type        = string
  sensitive   = true
  validation {
    condition     = can(regex("-----BEGIN [A-Z ]*PRIVATE KEY-----", var.github_app_private_key))
    error_message = "github_app_private_key: the text of a PEM private key file."
  }
}

variable "coordinator_url" {
  description = "The coordinator's control API (hook.conf coordinator.url): the coordinator module's control_api_url."
  type        = string
}

variable "coordinator_token" {
  description = "The control API's token (hook.conf coordinator.token-file): the coordinator's api_token."
  type        = string
  sensitive   = true
}

variable "influx_url" {
  description = "The InfluxDB of the runs (hook.conf influx), for the trend analysis and the verdict events."
  type        = string
}

variable "influx_user" {
  description = "The InfluxDB user the service reads and writes as (MURM_INFLUX_USER)."
  type        = string
}

variable "influx_password" {
  description = "That user's password (MURM_INFLUX_PASSWORD)."
  type        = string
  sensitive   = true
}

variable "grafana_url" {
  description = "Grafana's URL (hook.conf grafana): results link to the run's dashboard."
  type        = string
}

variable "database_instance_class" {
  description = "The PostgreSQL instance class of the job store."
  type        = string
  default     = "db.t4g.micro"
}

variable "database_password" {
  description = "The password of the job store's PostgreSQL user murmuration (MURM_HOOK_DB_PASSWORD)."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.database_password) >= 16 && can(regex("^[!-~]+$", var.database_password)) && !can(regex("[/@\"]", var.database_password))
    error_message = "database_password: 16 printable characters or more, without spaces, /, @ or \" (RDS refuses them)."
  }
}
