# The code of an OTP factor at plan time. The time is an argument, so the result is
# repeatable; plantimestamp() is "now" when the plan is made.
output "ci_bot_code_at_plan_time" {
  value = provider::auth0mfa::totp_code(
    auth0mfa_otp_authenticator.ci_bot.secret,
    provider::time::rfc3339_parse(plantimestamp()).unix, # hashicorp/time >= 0.11
  )
  sensitive = true
}

# A fixed time gives a fixed code: RFC 6238's SHA-1 test vector at T = 59 s.
output "rfc6238_vector" {
  value = provider::auth0mfa::totp_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59) # "287082"
}
