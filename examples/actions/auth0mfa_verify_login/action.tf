# The smoke test after enrolling a test user: sign in as the user and pass MFA with the new
# factor, right after it is created (Terraform 1.14 or newer). Also by hand:
#   terraform apply -invoke=action.auth0mfa_verify_login.ci_bot_otp
variable "ci_bot_password" {
  type      = string
  sensitive = true
}

resource "auth0mfa_otp_authenticator" "ci_bot" {
  login = {
    username = "ci-bot@example.com"
    password = var.ci_bot_password
  }

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.auth0mfa_verify_login.ci_bot_otp]
    }
  }
}

action "auth0mfa_verify_login" "ci_bot_otp" {
  config {
    login = {
      username   = "ci-bot@example.com"
      password   = var.ci_bot_password
      otp_secret = auth0mfa_otp_authenticator.ci_bot.secret
    }
  }
}

# An SMS factor: Auth0 sends a code, binding_code_command reads it (here from the emulator).
action "auth0mfa_verify_login" "ci_bot_sms" {
  config {
    login = {
      username = "ci-bot@example.com"
      password = var.ci_bot_password
    }
    authenticator_id     = "sms|dev_NU1Ofuw3Cw0XCt5x"
    phone_number         = "+15005550006"
    binding_code_command = ["auth0mfa-emulator", "code", "--url", "http://127.0.0.1:8787"]
  }
}
