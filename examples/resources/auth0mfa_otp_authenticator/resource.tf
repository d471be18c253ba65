variable "ci_bot_password" {
  type      = string
  sensitive = true
}

# The first factor of a user: Auth0 lets the provider enroll it with the user's password alone.
resource "auth0mfa_otp_authenticator" "ci_bot" {
  login = {
    username = "ci-bot@example.com"
    password = var.ci_bot_password
  }
}

# A second factor of the same user: Auth0 requires MFA first, passed with the first one's secret.
resource "auth0mfa_otp_authenticator" "ci_bot_backup" {
  login = {
    username   = "ci-bot@example.com"
    password   = var.ci_bot_password
    otp_secret = auth0mfa_otp_authenticator.ci_bot.secret
  }
}

# Hand the secret to the test suite that computes codes (for example a secret store).
output "ci_bot_totp_secret" {
  value     = auth0mfa_otp_authenticator.ci_bot.secret
  sensitive = true
}
