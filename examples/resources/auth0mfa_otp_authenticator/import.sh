# USERNAME:AUTHENTICATOR_ID, or REALM/USERNAME:AUTHENTICATOR_ID for a non-default connection.
# The import carries no password: apply once with the login block set. Auth0 never shows an
# OTP secret again, so secret and barcode_uri stay null after import; set login.otp_secret (or
# login.recovery_code) if you have one, so the provider can pass MFA to delete the factor.
# Destroy uses what state holds, not the configuration: run terraform apply once after adding
# them, then destroy.
terraform import auth0mfa_otp_authenticator.ci_bot 'ci-bot@example.com:totp|dev_WzMZ2sZbUw1wbC2F'
