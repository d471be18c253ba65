# Terraform 1.12 or newer (and OpenTofu 1.12): import by what the factor is, no ID string.
# Omit realm for the tenant's default directory. `terraform query` writes these blocks for you
# (see the auth0mfa_otp_authenticator list resource).
import {
  to = auth0mfa_otp_authenticator.ci_bot
  identity = {
    username = "ci-bot@example.com"
    id       = "totp|dev_WzMZ2sZbUw1wbC2F"
  }
}
