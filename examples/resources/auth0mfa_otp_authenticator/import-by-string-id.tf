# Terraform 1.5 or newer: an import block with the same ID as `terraform import`.
import {
  to = auth0mfa_otp_authenticator.ci_bot
  id = "ci-bot@example.com:totp|dev_WzMZ2sZbUw1wbC2F"
}
