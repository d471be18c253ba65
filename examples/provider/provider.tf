# Credentials usually come from the environment (AUTH0MFA_DOMAIN, AUTH0MFA_CLIENT_ID,
# AUTH0MFA_CLIENT_SECRET); every attribute can also be set here.
provider "auth0mfa" {}
