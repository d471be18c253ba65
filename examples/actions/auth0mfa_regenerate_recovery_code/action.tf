# Rotate a test user's recovery code without keeping it in state; the next pipeline step reads
# the file. Without output_file the old code is revoked and the new one kept nowhere.
#   terraform apply -invoke=action.auth0mfa_regenerate_recovery_code.ci_bot
# Needs management_client_id / management_client_secret (update:users). Terraform 1.14 or newer.
action "auth0mfa_regenerate_recovery_code" "ci_bot" {
  config {
    user_id     = "auth0|63d17c639d503d76c056c16e"
    output_file = "${path.root}/ci-bot.recovery-code"
  }
}
