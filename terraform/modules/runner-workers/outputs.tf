output "security_group_id" {
  description = "The workers' security group: give it to the coordinator (cluster port) and to an XMPP server's security group (its client ports)."
  value       = aws_security_group.worker.id
}

output "autoscaling_group_name" {
  description = "The workers' auto scaling group: its instances are the workers (aws autoscaling describe-auto-scaling-groups)."
  value       = aws_autoscaling_group.worker.name
}
