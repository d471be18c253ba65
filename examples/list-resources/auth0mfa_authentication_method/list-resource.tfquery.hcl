# Adopt the TOTP, phone and email methods of a user made by hand (Terraform 1.14 or newer), in a
# file beside your configuration (which configures the provider with its management application):
#   terraform query -generate-config-out=adopted.tf
# then add the phone number, email or totp_secret_wo that Auth0 shows only masked or never, and
# apply: the methods are imported by identity.
list "auth0mfa_authentication_method" "ci_bot" {
  provider         = auth0mfa
  include_resource = true

  config {
    user_id = "auth0|63d17c639d503d76c056c16e"
  }
}
