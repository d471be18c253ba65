variable "ci_bot_password" {
  type      = string
  sensitive = true
}

# The user's first factor: an OTP app. Later factors pass MFA with its secret.
resource "auth0mfa_otp_authenticator" "ci_bot" {
  login = {
    username = "ci-bot@example.com"
    password = var.ci_bot_password
  }
}

# SMS on a real tenant: a script reads the code from the test number's inbox (see
# read-sms-code.sh next to this file). It gets AUTH0MFA_PHONE_NUMBER and AUTH0MFA_SENT_AT.
resource "auth0mfa_oob_authenticator" "ci_bot_sms" {
  login = {
    username   = "ci-bot@example.com"
    password   = var.ci_bot_password
    otp_secret = auth0mfa_otp_authenticator.ci_bot.secret
  }
  channel              = "sms"
  phone_number         = "+15005550006"
  binding_code_command = ["${path.module}/read-sms-code.sh"]

  timeouts = {
    create = "5m"
  }
}

# Email against the local emulator: the emulator's own command reads its outbox.
resource "auth0mfa_oob_authenticator" "ci_bot_email" {
  login = {
    username   = "ci-bot@example.com"
    password   = var.ci_bot_password
    otp_secret = auth0mfa_otp_authenticator.ci_bot.secret
  }
  channel              = "email"
  email                = "ci-bot+mfa@example.com"
  binding_code_command = ["auth0mfa-emulator", "code", "--url", "http://127.0.0.1:8787"]
}

# Push: confirmed when the Guardian app approves (on a real tenant a device must scan
# barcode_uri within the create timeout; the emulator approves through /_emulator/push/approve).
resource "auth0mfa_oob_authenticator" "ci_bot_push" {
  login = {
    username   = "ci-bot@example.com"
    password   = var.ci_bot_password
    otp_secret = auth0mfa_otp_authenticator.ci_bot.secret
  }
  channel = "auth0"
}
