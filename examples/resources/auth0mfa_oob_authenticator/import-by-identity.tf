# Terraform 1.12 or newer (and OpenTofu 1.12): import by what the factor is, no ID string.
# realm is the connection the user logs in through; omit it for the default directory.
import {
  to = auth0mfa_oob_authenticator.ci_bot_sms
  identity = {
    username = "ci-bot@example.com"
    realm    = "Username-Password-Authentication"
    id       = "sms|dev_NU1Ofuw3Cw0XCt5x"
  }
}
