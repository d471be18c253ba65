# USERNAME:AUTHENTICATOR_ID, or REALM/USERNAME:AUTHENTICATOR_ID for a non-default connection.
# phone_number, email and binding_code_command come from the configuration at the next apply,
# which updates them in place.
terraform import auth0mfa_oob_authenticator.ci_bot_sms 'ci-bot@example.com:sms|dev_NU1Ofuw3Cw0XCt5x'
