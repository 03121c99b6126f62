# Runner workers (murm node): an auto scaling group of machines that each join the coordinator and
# run the users it gives them. A worker whose coordinator restarts exits and is started again by
# systemd, and joins again; a machine that dies is replaced by the group.

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.82.2" }
  }
}

locals {
  # the files of murm cluster certs' folder a worker needs (its keystore: worker.p12)
  secrets = {
    "truststore.p12"      = var.cluster_certs.truststore_p12_base64
    "truststore.password" = var.cluster_certs.truststore_password
    "worker.p12"          = var.cluster_certs.keystore_p12_base64
    "worker.password"     = var.cluster_certs.keystore_password
  }
}

# the names again: for_each may not be derived from the sensitive map
resource "aws_ssm_parameter" "secret" {
  for_each = toset(["truststore.p12", "truststore.password", "worker.p12", "worker.password"])
  name     = "/${var.name}/worker/${each.key}"
  type     = "SecureString"
  tier     = "Intelligent-Tiering" # a keystore's base64 may pass the standard tier's 4 KB
  value    = local.secrets[each.key]
}

module "host" {
  source             = "../host"
  name               = "${var.name}-worker"
  region             = var.region
  image              = var.image
  ami_id             = var.ami_id
  instance_type      = var.instance_type
  security_group_ids = [aws_security_group.worker.id]

  command = [
    "node",
    "--seed", var.seed,
    "--bind", "@PRIVATE_IP@:${var.cluster_port}",
    "--runs-dir", "/var/lib/murmuration/runs",
    "--cluster-certs", "/run/secrets",
    "--cluster-cert-name", "worker",
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

resource "aws_security_group" "worker" {
  name_prefix = "${var.name}-worker-"
  description = "Murmuration workers: the cluster port from the coordinator and the other workers"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "cluster" {
  for_each = {
    coordinator = var.coordinator_security_group_id
    workers     = aws_security_group.worker.id
  }
  security_group_id            = aws_security_group.worker.id
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = var.cluster_port
  to_port                      = var.cluster_port
  description                  = "Pekko cluster from the ${each.key}"
}

# out: the XMPP server under test (any address, any port the scenario names), the coordinator, the
# registries and SSM over HTTPS
resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.worker.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
  description       = "XMPP targets, cluster, registries, SSM"
}

resource "aws_autoscaling_group" "worker" {
  name_prefix         = "${var.name}-worker-"
  min_size            = var.worker_count
  max_size            = var.worker_count
  desired_capacity    = var.worker_count
  vpc_zone_identifier = var.subnet_ids
  launch_template {
    id      = module.host.launch_template_id
    version = module.host.launch_template_version
  }
  # a new image or new certificates: replace the workers one by one, between runs
  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 0
    }
  }
}
