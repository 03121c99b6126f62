# The coordinator (murm coordinator): the cluster's seed, which splits each run over the workers,
# merges their samples into one result and one InfluxDB stream, and serves the control API to the
# webhook service (and to an operator through an SSM port forward: the API is never public).

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.82.2" }
  }
}

locals {
  secrets = {
    "truststore.p12"       = var.cluster_certs.truststore_p12_base64
    "truststore.password"  = var.cluster_certs.truststore_password
    "coordinator.p12"      = var.cluster_certs.keystore_p12_base64
    "coordinator.password" = var.cluster_certs.keystore_password
    "api-token"            = var.api_token
    "influx-credentials"   = "user=${var.influx_user}\npassword=${var.influx_password}\n"
  }
}

# the names again: for_each may not be derived from the sensitive map
resource "aws_ssm_parameter" "secret" {
  for_each = toset(["truststore.p12", "truststore.password", "coordinator.p12", "coordinator.password", "api-token", "influx-credentials"])
  name     = "/${var.name}/coordinator/${each.key}"
  type     = "SecureString"
  tier     = "Intelligent-Tiering" # a keystore's base64 may pass the standard tier's 4 KB
  value    = local.secrets[each.key]
}

module "host" {
  source             = "../host"
  name               = "${var.name}-coordinator"
  region             = var.region
  image              = var.image
  ami_id             = var.ami_id
  instance_type      = var.instance_type
  security_group_ids = [aws_security_group.coordinator.id]

  command = [
    "coordinator",
    "--cluster-bind", "${var.private_ip}:${var.cluster_port}",
    "--api", "${var.private_ip}:${var.api_port}",
    "--api-token-file", "/run/secrets/api-token",
    "--runs-dir", "/var/lib/murmuration/runs",
    "--influx", var.influx_url,
    "--influx-db", var.influx_database,
    "--influx-credentials", "/run/secrets/influx-credentials",
    "--cluster-certs", "/run/secrets",
    "--cluster-cert-name", "coordinator",
  ]
  # the image's working directory and HOME: run folders, anything else murm writes
  volumes = ["/var/lib/murmuration/data:/var/lib/murmuration"]
  secret_files = { for f, p in aws_ssm_parameter.secret : f => {
    parameter = p.name
    arn       = p.arn
    base64    = endswith(f, ".p12")
  } }
  uid = 1000
  gid = 1000
}

resource "aws_security_group" "coordinator" {
  name_prefix = "${var.name}-coordinator-"
  description = "Murmuration coordinator: the cluster port from the workers, the control API from its clients"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "cluster" {
  security_group_id            = aws_security_group.coordinator.id
  referenced_security_group_id = var.worker_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = var.cluster_port
  to_port                      = var.cluster_port
  description                  = "Pekko cluster from the workers"
}

resource "aws_vpc_security_group_ingress_rule" "api" {
  for_each                     = var.api_client_security_group_ids
  security_group_id            = aws_security_group.coordinator.id
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = var.api_port
  to_port                      = var.api_port
  description                  = "control API from the ${each.key}"
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.coordinator.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
  description       = "workers, InfluxDB, registries, SSM"
}

resource "aws_instance" "coordinator" {
  subnet_id  = var.subnet_id
  private_ip = var.private_ip
  launch_template {
    id      = module.host.launch_template_id
    version = module.host.launch_template_version
  }
}
