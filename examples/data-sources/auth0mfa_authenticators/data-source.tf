data "auth0mfa_authenticators" "ci_bot" {
  login = {
    username = "ci-bot@example.com"
    password = var.ci_bot_password
  }
  # Also show unconfirmed leftovers of interrupted enrollments.
  include_inactive = true
}

output "ci_bot_factors" {
  value = [for a in data.auth0mfa_authenticators.ci_bot.authenticators : "${a.id} active=${a.active}"]
}
