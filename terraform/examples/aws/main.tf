# Murmuration on AWS, from an empty account: a VPC with two public subnets, a load balancer with
# HTTPS for Grafana and the webhook, and one module per role (terraform/modules). Every machine
# runs one container; none has SSH; operators reach them with SSM Session Manager.
# Step by step: docs/deploy.md.

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  zones          = slice(data.aws_availability_zones.available.names, 0, 2)
  coordinator_ip = cidrhost(aws_subnet.public[0].cidr_block, 10)
  # the keystore of each role is the one murm cluster certs named after it (--node coordinator, …)
  cluster_certs = {
    for role in ["coordinator", "worker"] : role => {
      truststore_p12_base64 = filebase64("${var.cluster_certs_dir}/truststore.p12")
      truststore_password   = file("${var.cluster_certs_dir}/truststore.password")
      keystore_p12_base64   = filebase64("${var.cluster_certs_dir}/${role}.p12")
      keystore_password     = file("${var.cluster_certs_dir}/${role}.password")
    }
  }
}

# the network
resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_hostnames = true
  tags                 = { Name = var.name }
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.main.id
  availability_zone       = local.zones[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, count.index + 1)
  map_public_ip_on_launch = true # outbound only: every security group below lets in only what its role needs
  tags                    = { Name = "${var.name}-${local.zones[count.index]}" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# the load balancer: HTTPS for Grafana and the webhook, HTTP only to redirect
resource "aws_security_group" "alb" {
  name_prefix = "${var.name}-alb-"
  description = "Murmuration load balancer: HTTPS (and HTTP, redirected) from public_cidrs"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "alb" {
  for_each          = { for pair in setproduct(var.public_cidrs, ["80", "443"]) : "${pair[0]} ${pair[1]}" => pair }
  security_group_id = aws_security_group.alb.id
  cidr_ipv4         = each.value[0]
  ip_protocol       = "tcp"
  from_port         = each.value[1]
  to_port           = each.value[1]
  description       = "port ${each.value[1]} from ${each.value[0]}"
}

resource "aws_vpc_security_group_egress_rule" "alb" {
  for_each = {
    grafana = { group = module.grafana.security_group_id, port = 3000 }
    webhook = { group = module.webhook.security_group_id, port = 8080 }
  }
  security_group_id            = aws_security_group.alb.id
  referenced_security_group_id = each.value.group
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  description                  = "to the ${each.key}"
}

resource "aws_lb" "main" {
  name_prefix                = "murm-"
  load_balancer_type         = "application"
  subnets                    = aws_subnet.public[*].id
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.main.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "not found"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

# the roles
module "influxdb" {
  source          = "../../modules/influxdb"
  name            = var.name
  region          = var.region
  ami_id          = var.ami_id
  instance_type   = var.influxdb_instance_type
  subnet_id       = aws_subnet.public[0].id
  vpc_id          = aws_vpc.main.id
  admin_password  = var.influx_admin_password
  writer_password = var.influx_writer_password
  reader_password = var.influx_reader_password
  client_security_group_ids = {
    coordinator = module.coordinator.security_group_id
    webhook     = module.webhook.security_group_id
    grafana     = module.grafana.security_group_id
  }
}

module "coordinator" {
  source                   = "../../modules/coordinator"
  name                     = var.name
  region                   = var.region
  image                    = var.image
  ami_id                   = var.ami_id
  instance_type            = var.coordinator_instance_type
  subnet_id                = aws_subnet.public[0].id
  vpc_id                   = aws_vpc.main.id
  private_ip               = local.coordinator_ip
  worker_security_group_id = module.workers.security_group_id
  api_client_security_group_ids = {
    webhook = module.webhook.security_group_id
  }
  api_token       = var.control_api_token
  cluster_certs   = local.cluster_certs.coordinator
  influx_url      = module.influxdb.url
  influx_database = module.influxdb.database
  influx_user     = module.influxdb.writer_user
  influx_password = var.influx_writer_password
}

module "workers" {
  source                        = "../../modules/runner-workers"
  name                          = var.name
  region                        = var.region
  image                         = var.image
  ami_id                        = var.ami_id
  worker_count                  = var.worker_count
  instance_type                 = var.worker_instance_type
  subnet_ids                    = aws_subnet.public[*].id
  vpc_id                        = aws_vpc.main.id
  seed                          = module.coordinator.cluster_address
  coordinator_security_group_id = module.coordinator.security_group_id
  cluster_certs                 = local.cluster_certs.worker
}

module "grafana" {
  source                = "../../modules/grafana"
  name                  = var.name
  region                = var.region
  ami_id                = var.ami_id
  instance_type         = var.grafana_instance_type
  subnet_id             = aws_subnet.public[1].id
  vpc_id                = aws_vpc.main.id
  hostname              = var.grafana_hostname
  listener_arn          = aws_lb_listener.https.arn
  alb_security_group_id = aws_security_group.alb.id
  influx_url            = module.influxdb.url
  influx_database       = module.influxdb.database
  influx_user           = module.influxdb.reader_user
  influx_password       = var.influx_reader_password
  admin_password        = var.grafana_admin_password
}

module "webhook" {
  source                   = "../../modules/webhook"
  name                     = var.name
  region                   = var.region
  image                    = coalesce(var.webhook_image, var.image)
  ami_id                   = var.ami_id
  instance_type            = var.webhook_instance_type
  subnet_ids               = aws_subnet.public[*].id
  vpc_id                   = aws_vpc.main.id
  hostname                 = var.webhook_hostname
  listener_arn             = aws_lb_listener.https.arn
  public_status_page       = var.public_status_page
  alb_security_group_id    = aws_security_group.alb.id
  worker_security_group_id = module.workers.security_group_id
  server_ports             = var.server_ports
  webhook_secret           = var.webhook_secret
  github_app_id            = var.github_app_id
  github_app_private_key   = var.github_app_private_key
  coordinator_url          = module.coordinator.control_api_url
  coordinator_token        = var.control_api_token
  influx_url               = module.influxdb.url
  influx_user              = module.influxdb.writer_user
  influx_password          = var.influx_writer_password
  grafana_url              = module.grafana.url
  database_password        = var.database_password
}
