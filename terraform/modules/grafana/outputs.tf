output "url" {
  description = "Grafana's public URL; the dashboards are under Dashboards → Murmuration (the webhook service's grafana)."
  value       = "https://${var.hostname}/"
}

output "security_group_id" {
  description = "Grafana's security group: InfluxDB lets it in."
  value       = aws_security_group.grafana.id
}
