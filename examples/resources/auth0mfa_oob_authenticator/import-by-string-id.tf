# Terraform 1.5 or newer: an import block with the same ID as `terraform import`.
import {
  to = auth0mfa_oob_authenticator.ci_bot_sms
  id = "Username-Password-Authentication/ci-bot@example.com:sms|dev_NU1Ofuw3Cw0XCt5x"
}
