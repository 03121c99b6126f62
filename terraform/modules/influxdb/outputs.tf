output "url" {
  description = "InfluxDB's URL inside the VPC: murm --influx, the webhook service's influx, Grafana's MURM_INFLUX_URL."
  value       = "http://${aws_instance.influxdb.private_ip}:${local.port}"
}

output "database" {
  description = "The database of the runs."
  value       = var.database
}

output "writer_user" {
  description = "The user that writes runs and trend analyses (password: writer_password)."
  value       = "murmuration"
}

output "reader_user" {
  description = "The read-only user of Grafana's data source (password: reader_password)."
  value       = "grafana"
}

output "security_group_id" {
  description = "InfluxDB's security group."
  value       = aws_security_group.influxdb.id
}
