# The webhook service (murm hook) with its job store in PostgreSQL (RDS). GitHub reaches it through
# the load balancer, which forwards only POST /webhook unless the status page is made public. It
# builds and starts the server under test in its own container, on this machine; the load comes
# from the workers through the coordinator's control API.

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.82.2" }
  }
}

locals {
  port = 8080
  secrets = {
    "webhook-secret"    = var.webhook_secret
    "github-app.pem"    = var.github_app_private_key
    "coordinator-token" = var.coordinator_token
    "database-password" = var.database_password
    "influx-password"   = var.influx_password
  }
  hook_conf = templatefile("${path.module}/hook.conf.tftpl", {
    port            = local.port
    database_url    = "jdbc:postgresql://${aws_db_instance.jobs.endpoint}/murmuration?sslmode=require"
    influx_url      = var.influx_url
    coordinator_url = var.coordinator_url
    grafana_url     = var.grafana_url
    public_url      = var.public_status_page ? "https://${var.hostname}/" : ""
  })
}

# the names again: for_each may not be derived from the sensitive map
resource "aws_ssm_parameter" "secret" {
  for_each = toset(["webhook-secret", "github-app.pem", "coordinator-token", "database-password", "influx-password"])
  name     = "/${var.name}/webhook/${each.key}"
  type     = "SecureString"
  value    = local.secrets[each.key]
}

module "host" {
  source             = "../host"
  name               = "${var.name}-webhook"
  region             = var.region
  image              = var.image
  ami_id             = var.ami_id
  instance_type      = var.instance_type
  security_group_ids = [aws_security_group.webhook.id]
  root_volume_gib    = 100 # checkouts, builds and run folders of the jobs

  command = ["hook", "--config", "/etc/murmuration/hook.conf"]
  files   = { "/etc/murmuration/hook.conf" = local.hook_conf }
  environment = {
    MURM_WEBHOOK_SECRET_FILE = "/run/secrets/webhook-secret"
    MURM_GITHUB_APP_ID       = var.github_app_id
    MURM_GITHUB_APP_KEY_FILE = "/run/secrets/github-app.pem"
    MURM_HOOK_DB_USER        = "murmuration"
    MURM_INFLUX_USER         = var.influx_user
  }
  secret_environment = {
    MURM_HOOK_DB_PASSWORD = "database-password"
    MURM_INFLUX_PASSWORD  = "influx-password"
  }
  volumes = [
    "/etc/murmuration/hook.conf:/etc/murmuration/hook.conf:ro",
    "/var/lib/murmuration/data:/var/lib/murmuration", # the image's working directory and HOME: hook-data/
  ]
  secret_files = { for f, p in aws_ssm_parameter.secret : f => {
    parameter = p.name
    arn       = p.arn
    base64    = false
  } }
  uid = 1000
  gid = 1000
}

resource "aws_security_group" "webhook" {
  name_prefix = "${var.name}-webhook-"
  description = "Murmuration webhook service: its port from the load balancer, the server under test's ports from the workers"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id            = aws_security_group.webhook.id
  referenced_security_group_id = var.alb_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  description                  = "webhook from the load balancer"
}

resource "aws_vpc_security_group_ingress_rule" "server" {
  for_each                     = toset([for p in var.server_ports : tostring(p)])
  security_group_id            = aws_security_group.webhook.id
  referenced_security_group_id = var.worker_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
  description                  = "server under test from the workers"
}

# out: GitHub (API, clones), whatever the tested server's build fetches, the coordinator, InfluxDB,
# the database, SSM
resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.webhook.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
  description       = "GitHub, builds, coordinator, InfluxDB, database, SSM"
}

resource "aws_instance" "webhook" {
  subnet_id = var.subnet_ids[0]
  launch_template {
    id      = module.host.launch_template_id
    version = module.host.launch_template_version
  }
}

resource "aws_lb_target_group" "webhook" {
  name_prefix = "hook-"
  port        = local.port
  protocol    = "HTTP"
  vpc_id      = var.vpc_id
  health_check {
    path    = "/status.json"
    matcher = "200"
  }
}

resource "aws_lb_target_group_attachment" "webhook" {
  target_group_arn = aws_lb_target_group.webhook.arn
  target_id        = aws_instance.webhook.id
  port             = local.port
}

resource "aws_lb_listener_rule" "webhook" {
  listener_arn = var.listener_arn
  priority     = var.listener_rule_priority
  condition {
    host_header {
      values = [var.hostname]
    }
  }
  dynamic "condition" {
    for_each = var.public_status_page ? [] : [1]
    content {
      path_pattern {
        values = ["/webhook"]
      }
    }
  }
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.webhook.arn
  }
}

# the job store
resource "aws_security_group" "database" {
  name_prefix = "${var.name}-jobs-"
  description = "Murmuration job store: PostgreSQL from the webhook service only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "database" {
  security_group_id            = aws_security_group.database.id
  referenced_security_group_id = aws_security_group.webhook.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from the webhook service"
}

resource "aws_db_subnet_group" "jobs" {
  name_prefix = "${var.name}-jobs-"
  subnet_ids  = var.subnet_ids
}

resource "aws_db_instance" "jobs" {
  identifier_prefix          = "${var.name}-jobs-"
  engine                     = "postgres"
  engine_version             = "16"
  auto_minor_version_upgrade = true
  instance_class             = var.database_instance_class
  allocated_storage          = 20
  max_allocated_storage      = 100
  storage_type               = "gp3"
  storage_encrypted          = true
  db_name                    = "murmuration"
  username                   = "murmuration"
  password                   = var.database_password
  db_subnet_group_name       = aws_db_subnet_group.jobs.name
  vpc_security_group_ids     = [aws_security_group.database.id]
  publicly_accessible        = false
  backup_retention_period    = 7
  copy_tags_to_snapshot      = true
  deletion_protection        = true
  skip_final_snapshot        = false
  final_snapshot_identifier  = "${var.name}-jobs-final"
}
