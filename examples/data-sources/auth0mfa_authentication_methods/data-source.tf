# A user's factors as the Management API lists them (needs read:authentication_methods).
data "auth0mfa_authentication_methods" "ci_bot" {
  user_id = "auth0|63d17c639d503d76c056c16e"
}

output "ci_bot_methods" {
  value = [for m in data.auth0mfa_authentication_methods.ci_bot.methods : "${m.id} (${m.type}, created ${m.created_at})"]
}
