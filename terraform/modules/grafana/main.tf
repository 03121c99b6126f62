# Grafana with the repository's data source and dashboards: the files of dashboards/ themselves
# (read here with file(), never copied), written to the machine at boot and mounted where
# dashboards/provisioning says (docs/dashboards.md). Behind the load balancer's HTTPS listener.

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.82.2" }
  }
}

locals {
  port       = 3000
  dashboards = "${path.module}/../../../dashboards"
  # on the machine: /etc/murmuration/grafana/provisioning/… (Grafana's /etc/grafana/provisioning)
  # and /etc/murmuration/grafana/murmuration/*.json (the dashboard provider's options.path)
  files = {
    for f in concat(
      tolist(fileset(local.dashboards, "provisioning/*/*.yaml")),
      tolist(fileset(local.dashboards, "murmuration/*.json")),
    ) : "/etc/murmuration/grafana/${f}" => file("${local.dashboards}/${f}")
  }
  secrets = {
    "admin-password"  = var.admin_password
    "influx-password" = var.influx_password
  }
}

# the names again: for_each may not be derived from the sensitive map
resource "aws_ssm_parameter" "secret" {
  for_each = toset(["admin-password", "influx-password"])
  name     = "/${var.name}/grafana/${each.key}"
  type     = "SecureString"
  value    = local.secrets[each.key]
}

module "host" {
  source             = "../host"
  name               = "${var.name}-grafana"
  region             = var.region
  image              = var.image
  ami_id             = var.ami_id
  instance_type      = var.instance_type
  security_group_ids = [aws_security_group.grafana.id]
  root_volume_gib    = 20

  files  = local.files
  environment = {
    GF_SERVER_ROOT_URL                = "https://${var.hostname}/"
    GF_SERVER_HTTP_PORT               = tostring(local.port)
    GF_SECURITY_ADMIN_PASSWORD__FILE  = "/run/secrets/admin-password"
    GF_SECURITY_COOKIE_SECURE         = "true"
    GF_USERS_ALLOW_SIGN_UP            = "false"
    GF_ANALYTICS_REPORTING_ENABLED    = "false"
    GF_ANALYTICS_CHECK_FOR_UPDATES    = "false"
    MURM_INFLUX_URL                   = var.influx_url
    MURM_INFLUX_DB                    = var.influx_database
    MURM_INFLUX_USER                  = var.influx_user
  }
  secret_environment = {
    MURM_INFLUX_PASSWORD = "influx-password"
  }
  volumes = [
    "/etc/murmuration/grafana/provisioning:/etc/grafana/provisioning:ro",
    "/etc/murmuration/grafana/murmuration:/var/lib/grafana/dashboards/murmuration:ro",
    "/var/lib/murmuration/grafana:/var/lib/grafana",
  ]
  secret_files = { for f, p in aws_ssm_parameter.secret : f => {
    parameter = p.name
    arn       = p.arn
    base64    = false
  } }
  uid = 472 # grafana/grafana's user
  gid = 0
}

resource "aws_security_group" "grafana" {
  name_prefix = "${var.name}-grafana-"
  description = "Murmuration Grafana: its HTTP port from the load balancer"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id            = aws_security_group.grafana.id
  referenced_security_group_id = var.alb_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  description                  = "HTTP from the load balancer"
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.grafana.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
  description       = "InfluxDB, registries, plugins, SSM"
}

resource "aws_instance" "grafana" {
  subnet_id = var.subnet_id
  launch_template {
    id      = module.host.launch_template_id
    version = module.host.launch_template_version
  }
}

resource "aws_lb_target_group" "grafana" {
  name_prefix = "graf-"
  port        = local.port
  protocol    = "HTTP"
  vpc_id      = var.vpc_id
  health_check {
    path    = "/api/health"
    matcher = "200"
  }
}

resource "aws_lb_target_group_attachment" "grafana" {
  target_group_arn = aws_lb_target_group.grafana.arn
  target_id        = aws_instance.grafana.id
  port             = local.port
}

resource "aws_lb_listener_rule" "grafana" {
  listener_arn = var.listener_arn
  priority     = var.listener_rule_priority
  condition {
    host_header {
      values = [var.hostname]
    }
  }
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.grafana.arn
  }
}
