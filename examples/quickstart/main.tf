# The quickstart that `make demo` applies against the local emulator: it enrolls an OTP factor
# and an SMS factor for the demo user and lists the user's factors. The provider is configured through the
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

variable "emulator_url" {
  type        = string
  description = "The emulator's URL; make demo sets it."
}

variable "code_command" {
  type        = list(string)
  description = "Reads the code the emulator sent: make demo passes its auth0mfa-emulator binary."
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

# A second factor: SMS. Auth0 requires MFA first, passed with the OTP factor's secret; the
# confirmation code is read from the emulator's outbox by its own `code` command.
resource "auth0mfa_oob_authenticator" "demo_sms" {
  login = {
    username   = var.username
    password   = var.password
    otp_secret = auth0mfa_otp_authenticator.demo.secret
  }
  channel              = "sms"
  phone_number         = "+15551234567"
  binding_code_command = concat(var.code_command, ["--url", var.emulator_url])
}

data "auth0mfa_authenticators" "demo" {
  login = {
    username = var.username
    password = var.password
  }
  depends_on = [auth0mfa_otp_authenticator.demo, auth0mfa_oob_authenticator.demo_sms]
}

output "authenticator_id" {
  value = auth0mfa_otp_authenticator.demo.id
}

output "sms_authenticator" {
  value = "${auth0mfa_oob_authenticator.demo_sms.id} (${auth0mfa_oob_authenticator.demo_sms.name}), deleted with ${join(", ", auth0mfa_oob_authenticator.demo_sms.companion_ids)}"
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
