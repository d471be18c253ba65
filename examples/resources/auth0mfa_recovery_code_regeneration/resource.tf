# A test user with an OTP factor and a recovery code the test suite knows. The provider needs
# management_client_id and management_client_secret (or AUTH0MFA_MANAGEMENT_CLIENT_ID and
# AUTH0MFA_MANAGEMENT_CLIENT_SECRET): an application authorized for the Management API with
# the update:users scope.
resource "auth0_user" "robot" {
  connection_name = "Username-Password-Authentication"
  email           = "robot@example.com"
  password        = var.robot_password
}

resource "auth0mfa_otp_authenticator" "robot" {
  login = {
    username = auth0_user.robot.email
    password = var.robot_password
  }
}

resource "auth0mfa_recovery_code_regeneration" "robot" {
  user_id = auth0_user.robot.id
  # Change the value to get a new code (a recovery code works once).
  triggers = { rotation = "2026-11" }
  # A recovery code exists only beside a confirmed factor.
  depends_on = [auth0mfa_otp_authenticator.robot]
}

output "robot_recovery_code" {
  value     = auth0mfa_recovery_code_regeneration.robot.recovery_code
  sensitive = true
}
