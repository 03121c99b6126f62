terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws       = { source = "hashicorp/aws", version = "5.82.2" }
    cloudinit = { source = "hashicorp/cloudinit", version = "2.3.5" }
  }
  # Terraform's state holds every secret given here in plain text: keep it in an encrypted remote
  # backend that only the operators can read, e.g.
  # backend "s3" { bucket = "…", key = "murmuration.tfstate", region = "…", encrypt = true }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { Project = var.name }
  }
}
