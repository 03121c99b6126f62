# InfluxDB 1.x (v1 HTTP API, InfluxQL) for the runs' metrics and the trend analysis, with
# authentication on, three users (admin; murmuration, which writes; grafana, which reads) and its
# data on an EBS volume of its own that a replaced machine mounts again.

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.82.2" }
  }
}

locals {
  port = 8086
  secrets = {
    "admin-password"  = var.admin_password
    "writer-password" = var.writer_password
    "reader-password" = var.reader_password
  }
}

# the names again: for_each may not be derived from the sensitive map
resource "aws_ssm_parameter" "secret" {
  for_each = toset(["admin-password", "writer-password", "reader-password"])
  name     = "/${var.name}/influxdb/${each.key}"
  type     = "SecureString"
  value    = local.secrets[each.key]
}

data "aws_subnet" "influxdb" {
  id = var.subnet_id
}

resource "aws_ebs_volume" "data" {
  availability_zone = data.aws_subnet.influxdb.availability_zone
  size              = var.data_volume_gib
  type              = "gp3"
  encrypted         = true
  tags              = { Name = "${var.name}-influxdb-data" }
  lifecycle {
    prevent_destroy = true
  }
}

module "host" {
  source             = "../host"
  name               = "${var.name}-influxdb"
  region             = var.region
  image              = var.image
  ami_id             = var.ami_id
  instance_type      = var.instance_type
  security_group_ids = [aws_security_group.influxdb.id]
  root_volume_gib    = 20

  environment = {
    INFLUXDB_DB                 = var.database
    INFLUXDB_HTTP_AUTH_ENABLED  = "true"
    INFLUXDB_REPORTING_DISABLED = "true"
    INFLUXDB_ADMIN_USER         = "admin"
    INFLUXDB_USER               = "murmuration"
    INFLUXDB_READ_USER          = "grafana"
  }
  secret_environment = {
    INFLUXDB_ADMIN_PASSWORD     = "admin-password"
    INFLUXDB_USER_PASSWORD      = "writer-password"
    INFLUXDB_READ_USER_PASSWORD = "reader-password"
  }
  volumes = ["/var/lib/murmuration/influxdb:/var/lib/influxdb"]
  secret_files = { for f, p in aws_ssm_parameter.secret : f => {
    parameter = p.name
    arn       = p.arn
    base64    = false
  } }
  data_volume_id = aws_ebs_volume.data.id
  uid            = 0
  gid            = 0
}

resource "aws_security_group" "influxdb" {
  name_prefix = "${var.name}-influxdb-"
  description = "Murmuration InfluxDB: its HTTP API from the coordinator, the webhook service and Grafana"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  for_each                     = var.client_security_group_ids
  security_group_id            = aws_security_group.influxdb.id
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  description                  = "HTTP API from the ${each.key}"
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.influxdb.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  description       = "registries, packages, SSM"
}

resource "aws_instance" "influxdb" {
  subnet_id = var.subnet_id
  launch_template {
    id      = module.host.launch_template_id
    version = module.host.launch_template_version
  }
}

resource "aws_volume_attachment" "data" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.data.id
  instance_id = aws_instance.influxdb.id
}
