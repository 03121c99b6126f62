output "cluster_address" {
  description = "HOST:PORT of the coordinator's cluster endpoint: the workers' seed (murm node --seed)."
  value       = "${var.private_ip}:${var.cluster_port}"
}

output "control_api_url" {
  description = "The control API's URL inside the VPC (docs/cluster.md): the webhook service's coordinator.url; from outside through an SSM port forward (control_api_tunnel)."
  value       = "http://${var.private_ip}:${var.api_port}"
}

output "control_api_tunnel" {
  description = "The command that makes the control API reachable at http://127.0.0.1:<api_port> on an operator's machine (AWS CLI with the Session Manager plugin)."
  value       = "aws ssm start-session --region ${var.region} --target ${aws_instance.coordinator.id} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=${var.private_ip},portNumber=${var.api_port},localPortNumber=${var.api_port}"
}

output "security_group_id" {
  description = "The coordinator's security group: the workers let it in on their cluster port, InfluxDB on its HTTP port."
  value       = aws_security_group.coordinator.id
}

output "instance_id" {
  description = "The coordinator's EC2 instance (for SSM Session Manager)."
  value       = aws_instance.coordinator.id
}
