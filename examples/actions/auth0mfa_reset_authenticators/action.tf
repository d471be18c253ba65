# What an administrator does in the Dashboard for a locked test user, on demand:
#   terraform apply -invoke=action.auth0mfa_reset_authenticators.ci_bot
# Needs management_client_id / management_client_secret on the provider, with the
# delete:guardian_enrollments scope (and update:users for unblock). Terraform 1.14 or newer.
action "auth0mfa_reset_authenticators" "ci_bot" {
  config {
    user_id = "auth0|63d17c639d503d76c056c16e"
    unblock = true
  }
}
