# Usually configured through the environment:
#   AUTH0MFA_DOMAIN, AUTH0MFA_CLIENT_ID, AUTH0MFA_CLIENT_SECRET
provider "auth0mfa" {}

# Or explicitly; a value here wins over the environment.
provider "auth0mfa" {
  alias         = "explicit"
  domain        = "example.eu.auth0.com"
  client_id     = var.auth0mfa_client_id
  client_secret = var.auth0mfa_client_secret
}

# Private Key JWT instead of a client secret.
provider "auth0mfa" {
  alias                        = "private_key_jwt"
  domain                       = "example.eu.auth0.com"
  client_id                    = var.auth0mfa_client_id
  client_assertion_private_key = file("${path.module}/auth0mfa-app.key")
  client_assertion_signing_alg = "RS256"
}

# The local emulator (offline CI): plain http is allowed to loopback only.
provider "auth0mfa" {
  alias         = "emulator"
  domain        = "demo.auth0mfa.test"
  base_url      = "http://127.0.0.1:8787"
  client_id     = "demo-client"
  client_secret = "demo-secret"
}

# With a Management API application, for auth0mfa_authentication_method,
# auth0mfa_recovery_code_regeneration and the actions.
# Environment: AUTH0MFA_MANAGEMENT_CLIENT_ID, AUTH0MFA_MANAGEMENT_CLIENT_SECRET.
provider "auth0mfa" {
  alias                    = "with_management"
  domain                   = "example.eu.auth0.com"
  client_id                = var.auth0mfa_client_id
  client_secret            = var.auth0mfa_client_secret
  management_client_id     = var.auth0mfa_management_client_id
  management_client_secret = var.auth0mfa_management_client_secret
}

# The management application with Private Key JWT instead of a secret (the route for users
# with no password needs only this application, not the user's password).
# Environment: AUTH0MFA_MANAGEMENT_CLIENT_ASSERTION_PRIVATE_KEY.
provider "auth0mfa" {
  alias                                   = "management_private_key_jwt"
  domain                                  = "example.eu.auth0.com"
  client_id                               = var.auth0mfa_client_id
  client_secret                           = var.auth0mfa_client_secret
  management_client_id                    = var.auth0mfa_management_client_id
  management_client_assertion_private_key = file("${path.module}/auth0mfa-management.key")
}
