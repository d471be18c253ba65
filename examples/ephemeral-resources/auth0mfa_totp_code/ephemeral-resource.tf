# A fresh code for an OTP factor, computed when Terraform needs it and never stored in plan or
# state (Terraform 1.10 or later). In a real configuration the secret is
# auth0mfa_otp_authenticator.<name>.secret.
variable "ci_bot_otp_secret" {
  type      = string
  sensitive = true
  default   = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" # RFC 6238's test secret, not a real factor
}

ephemeral "auth0mfa_totp_code" "ci_bot" {
  secret = var.ci_bot_otp_secret
}

# Hand the code to something that logs in as the user during the apply, here a smoke test run
# by a local-exec provisioner (ephemeral values may be used in provisioners). The command reads
# the code from its environment; Terraform suppresses its output, since it sees an ephemeral
# value, and the apply fails if the command does.
resource "terraform_data" "smoke_login" {
  provisioner "local-exec" {
    command = "test \"$${#TOTP_CODE}\" -eq 6 && test -n \"$VALID_UNTIL\"" # for example: ./e2e-login.sh
    environment = {
      TOTP_CODE   = ephemeral.auth0mfa_totp_code.ci_bot.code
      VALID_UNTIL = ephemeral.auth0mfa_totp_code.ci_bot.valid_until
    }
  }
}
