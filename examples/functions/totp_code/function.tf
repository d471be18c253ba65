# The code of an OTP secret at a given Unix time: deterministic, so a plan shows the same value
# every time. In a real configuration the secret is auth0mfa_otp_authenticator.<name>.secret.
locals {
  # RFC 6238's SHA-1 test secret ("12345678901234567890" in base32), not a real factor.
  rfc6238_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
}

output "rfc6238_vector_at_59" {
  value = provider::auth0mfa::totp_code(local.rfc6238_secret, 59) # "287082"
}

output "rfc6238_vector_at_1111111109" {
  value = provider::auth0mfa::totp_code(local.rfc6238_secret, 1111111109) # "081804"
}

# For the code of "now", prefer the auth0mfa_totp_code ephemeral resource: it never lands in
# plan or state, and it never hands out a code this provider has already used.
