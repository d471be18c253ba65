# var.ci_bot_password is a sensitive variable of the configuration beside this file.
# Adopt the OTP factors of a user enrolled by hand (Terraform 1.14 or newer), in a file
# beside your configuration (which configures the provider):
#   terraform query -generate-config-out=adopted.tf
# then fill in login.password (and login.otp_secret, to delete the factor later) in adopted.tf
# and apply: the factors are imported by identity.
list "auth0mfa_otp_authenticator" "ci_bot" {
  provider         = auth0mfa
  include_resource = true

  config {
    login = {
      username = "ci-bot@example.com"
      password = var.ci_bot_password
    }
  }
}
