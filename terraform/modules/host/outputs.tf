output "launch_template_id" {
  description = "The machine's launch template: give it, with launch_template_version, to an aws_instance or an auto scaling group."
  value       = aws_launch_template.host.id
}

output "launch_template_version" {
  description = "The template's newest version; a change of it replaces an aws_instance and rolls an auto scaling group that has an instance refresh."
  value       = aws_launch_template.host.latest_version
}
