# USER_ID:METHOD_ID (the auth0mfa_authentication_methods data source lists the ids). Auth0 never
# shows a TOTP secret again, and lists phone numbers and emails masked: set them in the
# configuration; the first apply stores them without replacing the method.
terraform import auth0mfa_authentication_method.ci_bot_totp 'auth0|63d17c639d503d76c056c16e:totp|dev_F9T7cy0hM0IgHjwP'
