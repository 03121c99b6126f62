output "control_api_url" {
  description = "The coordinator's control API inside the VPC (the webhook service uses it). From your machine: run control_api_tunnel, then use http://127.0.0.1:8086 with the token."
  value       = module.coordinator.control_api_url
}

output "control_api_tunnel" {
  description = "The SSM port forward that brings the control API to http://127.0.0.1:8086 on your machine."
  value       = module.coordinator.control_api_tunnel
}

output "grafana_url" {
  description = "Grafana, with the Murmuration dashboards (user admin, grafana_admin_password)."
  value       = module.grafana.url
}

output "webhook_url" {
  description = "The GitHub App's webhook URL."
  value       = module.webhook.webhook_url
}

output "status_page_tunnel" {
  description = "The SSM port forward that brings the webhook service's status page to http://127.0.0.1:8080/ on your machine."
  value       = module.webhook.status_page_tunnel
}

output "load_balancer_dns_name" {
  description = "Point grafana_hostname and webhook_hostname (CNAME, or a Route 53 alias) at this name."
  value       = aws_lb.main.dns_name
}

output "xmpp_target_host" {
  description = "The webhook service's private address: a repository's xmpp.target host when its server under test runs there and the workers load it."
  value       = module.webhook.private_ip
}

output "worker_autoscaling_group" {
  description = "The workers' auto scaling group."
  value       = module.workers.autoscaling_group_name
}
