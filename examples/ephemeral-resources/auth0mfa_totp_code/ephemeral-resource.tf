# A fresh code for the user's OTP factor, computed when Terraform needs it and never stored
# in plan or state (Terraform 1.10 or later).
ephemeral "auth0mfa_totp_code" "ci_bot" {
  secret = auth0mfa_otp_authenticator.ci_bot.secret
}

# For example, hand it to a provider that logs in as the user, or to a write-only argument.
provider "example" {
  username = "ci-bot@example.com"
  password = var.ci_bot_password
  otp_code = ephemeral.auth0mfa_totp_code.ci_bot.code
}
