variable "name" {
  description = "The machine's role and the deployment's name, e.g. \"murmuration-coordinator\": names the IAM role, the systemd unit and the container."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,47}$", var.name))
    error_message = "name: lower-case letters, digits and dashes, starting with a letter, at most 48 characters."
  }
}

variable "ami_id" {
  description = "The machine image: Amazon Linux 2023 (x86_64), whose dnf has Docker and which comes with the AWS CLI and the SSM agent."
  type        = string
}

variable "instance_type" {
  description = "The EC2 instance type."
  type        = string
}

variable "security_group_ids" {
  description = "The machine's security groups."
  type        = list(string)
}

variable "root_volume_gib" {
  description = "The size of the machine's root volume (encrypted gp3): the OS, Docker's images and whatever the container keeps under /var/lib/murmuration without a data volume."
  type        = number
  default     = 30
}

variable "region" {
  description = "The AWS region the machine runs in: where it reads its secrets from SSM Parameter Store."
  type        = string
}

variable "image" {
  description = "The container image the machine runs, e.g. \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/murmuration:0.1.0\" (an ECR image is logged in to with the instance role) or \"grafana/grafana:13.2.3\"."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._/:-]*(@sha256:[0-9a-f]{64})?$", var.image))
    error_message = "image: a registry reference such as repo/name:tag or repo/name@sha256:<64 hex digits>, without spaces or shell characters."
  }
}

variable "command" {
  description = "The container's arguments after the image (for Murmuration's image: what follows murm). The text @PRIVATE_IP@ in an argument becomes the machine's private IPv4 address at boot."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for a in var.command : !can(regex("[\\n\\r]", a))])
    error_message = "command: arguments are single lines."
  }
}

variable "environment" {
  description = "Environment variables of the container that are not secret."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for k, v in var.environment : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", k)) && !can(regex("[\\n\\r]", v))])
    error_message = "environment: variable names are letters, digits and underscores; values are single lines."
  }
}

variable "secret_files" {
  description = "Files the machine reads from SSM Parameter Store at every boot into /etc/murmuration/secrets (mode 600, owned by uid), which the container sees read-only at /run/secrets: file name => the parameter's name and ARN, and whether its value is base64 (binary files such as PKCS12 keystores)."
  type = map(object({
    parameter = string
    arn       = string
    base64    = bool
  }))
  default = {}
  validation {
    condition     = alltrue([for f in keys(var.secret_files) : can(regex("^[A-Za-z0-9][A-Za-z0-9._-]*$", f))])
    error_message = "secret_files: file names are letters, digits, dots, dashes and underscores, without a path."
  }
}

variable "secret_environment" {
  description = "Environment variables of the container whose values are secret files (keys of secret_files): variable name => file name. They reach the container through an env file of mode 600, never its command line."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for k in keys(var.secret_environment) : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", k))])
    error_message = "secret_environment: variable names are letters, digits and underscores."
  }
}

variable "files" {
  description = "Files that are not secret, written at first boot: absolute path on the machine => content (configuration the container mounts)."
  type        = map(string)
  default     = {}
}

variable "volumes" {
  description = "Bind mounts HOST_DIR:CONTAINER_DIR[:ro]. A HOST_DIR under /var/lib/murmuration is created owned by uid:gid."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for v in var.volumes : can(regex("^/[A-Za-z0-9._/-]+:/[A-Za-z0-9._/-]+(:ro)?$", v))])
    error_message = "volumes: HOST_DIR:CONTAINER_DIR or HOST_DIR:CONTAINER_DIR:ro, absolute paths of letters, digits, dots, dashes, underscores and slashes."
  }
}

variable "uid" {
  description = "The user id the container runs as: it owns the secret files and the data folders (Murmuration's image: 1000; grafana/grafana: 472; influxdb 1.x: 0)."
  type        = number
}

variable "gid" {
  description = "The group id of the secret files and the data folders."
  type        = number
}

variable "data_volume_id" {
  description = "An EBS volume to format when empty and mount at /var/lib/murmuration, so the data outlives the machine (InfluxDB); null keeps the data on the root volume."
  type        = string
  default     = null
}
