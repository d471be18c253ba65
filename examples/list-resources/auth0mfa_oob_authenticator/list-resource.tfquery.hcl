# var.ci_bot_password is a sensitive variable of the configuration beside this file.
# List the SMS, voice, email and push factors of a user (Terraform 1.14 or newer):
#   terraform query
# An SMS and voice pair on one phone is listed once, as the SMS factor.
list "auth0mfa_oob_authenticator" "ci_bot" {
  provider = auth0mfa

  config {
    login = {
      username = "ci-bot@example.com"
      password = var.ci_bot_password
      realm    = "Username-Password-Authentication"
    }
  }
}
