output "user_data" {
  description = "The cloud-init user data (gzip, base64) that installs Docker, fetches the secrets and runs the container under systemd: user_data_base64 of an instance or a launch template."
  value       = data.cloudinit_config.boot.rendered
}

output "instance_profile_name" {
  description = "The IAM instance profile that lets the machine read its secrets, pull from ECR and be reached with SSM Session Manager (no SSH)."
  value       = aws_iam_instance_profile.host.name
}

output "role_name" {
  description = "The IAM role behind the instance profile."
  value       = aws_iam_role.host.name
}
