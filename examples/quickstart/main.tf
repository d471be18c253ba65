# The quickstart that `make demo` applies against the local emulator: it enrolls an OTP factor
# for the demo user and lists the user's factors. The provider is configured through the
# AUTH0MFA_* environment variables the demo sets.
terraform {
  required_version = ">= 1.10"
  required_providers {
    auth0mfa = {
      source = "auth0mfa/auth0mfa"
    }
  }
}

provider "auth0mfa" {}

variable "username" {
  type    = string
  default = "demo@example.com"
}

variable "password" {
  type      = string
  sensitive = true
  default   = "demo-password-1" # the emulator's demo user; never put a real password here
}

resource "auth0mfa_otp_authenticator" "demo" {
  login = {
    username = var.username
    password = var.password
  }
}

data "auth0mfa_authenticators" "demo" {
  login = {
    username = var.username
    password = var.password
  }
  depends_on = [auth0mfa_otp_authenticator.demo]
}

output "authenticator_id" {
  value = auth0mfa_otp_authenticator.demo.id
}

output "otpauth_uri" {
  value     = auth0mfa_otp_authenticator.demo.barcode_uri
  sensitive = true
}

output "totp_secret" {
  value     = auth0mfa_otp_authenticator.demo.secret
  sensitive = true
}

output "factors" {
  value = join("\n", [for a in data.auth0mfa_authenticators.demo.authenticators : "${a.id} (${a.authenticator_type}, active=${a.active})"])
}
