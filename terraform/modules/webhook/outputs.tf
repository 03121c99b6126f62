output "webhook_url" {
  description = "The GitHub App's webhook URL."
  value       = "https://${var.hostname}/webhook"
}

output "status_page_tunnel" {
  description = "The command that makes the status page reachable at http://127.0.0.1:8080/ on an operator's machine (AWS CLI with the Session Manager plugin); the load balancer serves only POST /webhook."
  value       = "aws ssm start-session --region ${var.region} --target ${aws_instance.webhook.id} --document-name AWS-StartPortForwardingSession --parameters portNumber=${local.port},localPortNumber=${local.port}"
}

output "private_ip" {
  description = "The service's private address: the repository's xmpp.target host when the server under test runs here and the load comes from the workers."
  value       = aws_instance.webhook.private_ip
}

output "security_group_id" {
  description = "The service's security group: the coordinator lets it in to the control API, InfluxDB to its HTTP API."
  value       = aws_security_group.webhook.id
}

output "database_endpoint" {
  description = "The job store's PostgreSQL endpoint HOST:PORT (reachable from the service only)."
  value       = aws_db_instance.jobs.endpoint
}
