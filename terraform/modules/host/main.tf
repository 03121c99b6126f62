# What every Murmuration machine is, in one place: a launch template (Amazon Linux 2023, IMDSv2 only,
# an encrypted root volume) whose boot installs Docker, reads the role's secrets from SSM Parameter
# Store into files only the container's user can read, and runs the role's one container under
# systemd (restarted when it exits); and the instance role that lets it. The machine needs no SSH:
# an operator reaches it with SSM Session Manager, which the instance role allows. A role module
# starts an aws_instance or an auto scaling group from the template; a new template version
# replaces the instance (aws_instance) or rolls the group (instance refresh).

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws       = { source = "hashicorp/aws", version = "5.82.2" }
    cloudinit = { source = "hashicorp/cloudinit", version = "2.3.5" }
  }
}

locals {
  data_dirs = distinct([
    for v in var.volumes : split(":", v)[0] if startswith(split(":", v)[0], "/var/lib/murmuration/")
  ])
}

data "cloudinit_config" "boot" {
  gzip          = true
  base64_encode = true

  part {
    content_type = "text/cloud-config"
    content = join("\n", ["#cloud-config", yamlencode({
      write_files = [for path, content in var.files : {
        path        = path
        content     = content
        permissions = "0644"
      }]
    })])
  }

  part {
    content_type = "text/x-shellscript"
    content = templatefile("${path.module}/boot.sh.tftpl", {
      name               = var.name
      region             = var.region
      image              = var.image
      command            = var.command
      environment        = var.environment
      volumes            = var.volumes
      secret_files       = var.secret_files
      secret_environment = var.secret_environment
      data_dirs          = local.data_dirs
      data_device        = try("/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${replace(var.data_volume_id, "-", "")}", "") # "" without a volume
      uid                = var.uid
      gid                = var.gid
    })
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "host" {
  name_prefix        = "${substr(var.name, 0, 32)}-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

# SSM Session Manager (shell and port forwarding without SSH) and pulls from ECR
resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.host.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachment" "ecr" {
  role       = aws_iam_role.host.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
}

# its own secrets, nothing else (SecureStrings under the account's aws/ssm key)
data "aws_iam_policy_document" "secrets" {
  statement {
    actions   = ["ssm:GetParameter"]
    resources = [for s in values(var.secret_files) : s.arn]
  }
}

resource "aws_iam_role_policy" "secrets" {
  count  = length(var.secret_files) > 0 ? 1 : 0
  role   = aws_iam_role.host.id
  policy = data.aws_iam_policy_document.secrets.json
}

resource "aws_iam_instance_profile" "host" {
  name_prefix = "${substr(var.name, 0, 32)}-"
  role        = aws_iam_role.host.name
}

resource "aws_launch_template" "host" {
  name_prefix            = "${var.name}-"
  image_id               = var.ami_id
  instance_type          = var.instance_type
  user_data              = data.cloudinit_config.boot.rendered
  vpc_security_group_ids = var.security_group_ids
  iam_instance_profile {
    name = aws_iam_instance_profile.host.name
  }
  metadata_options {
    http_tokens                 = "required" # IMDSv2; one hop: containers on a bridge cannot reach it
    http_put_response_hop_limit = 1
  }
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = var.root_volume_gib
      volume_type = "gp3"
      encrypted   = true
    }
  }
  tag_specifications {
    resource_type = "instance"
    tags          = { Name = var.name }
  }
}
