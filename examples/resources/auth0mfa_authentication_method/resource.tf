# Factors an administrator creates through the Management API: no password, no login as the
# user, confirmed at once. The provider needs management_client_id/management_client_secret with
# create:, read:, update: and delete:authentication_methods.

# 1. A TOTP secret your team keeps (for example in a secret store): write-only, so it is never
#    in plan or state (Terraform 1.11+ / OpenTofu 1.11+). An ephemeral variable here; an ephemeral
#    resource of your secret store works the same way.
variable "ci_bot_totp_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "auth0mfa_authentication_method" "ci_bot_totp" {
  user_id                = "auth0|63d17c639d503d76c056c16e" # for example auth0_user.ci_bot.user_id
  type                   = "totp"
  name                   = "CI bot"
  totp_secret_wo         = var.ci_bot_totp_secret
  totp_secret_wo_version = 1 # change it to seed a new secret
}

# 2. A secret the provider generates: kept in the sensitive totp_secret, with an otpauth URI.
resource "auth0mfa_authentication_method" "support_bot_totp" {
  user_id = "auth0|63d17c639d503d76c056c16e"
  type    = "totp"
  name    = "Support bot"
}

output "support_bot_qr_code" {
  value     = provider::auth0mfa::qr_code_png(auth0mfa_authentication_method.support_bot_totp.barcode_uri)
  sensitive = true
}

# 3. Phone and email methods.
resource "auth0mfa_authentication_method" "ci_bot_phone" {
  user_id                         = "auth0|63d17c639d503d76c056c16e"
  type                            = "phone"
  phone_number                    = "+15551234567"
  preferred_authentication_method = "sms"
}

resource "auth0mfa_authentication_method" "ci_bot_email" {
  user_id = "auth0|63d17c639d503d76c056c16e"
  type    = "email"
  email   = "ci-bot-codes@example.com"
}

# 4. A security key for browser tests: the provider makes the key pair; the test suite loads
#    cdp_credential (Playwright, Puppeteer) or webdriver_credential (Selenium) into a virtual
#    authenticator. See the guide "Security keys for browser tests".
resource "auth0mfa_authentication_method" "e2e_security_key" {
  user_id = "auth0|63d17c639d503d76c056c16e"
  type    = "webauthn-roaming"
  name    = "E2E security key"
}

output "e2e_security_key_cdp" {
  value     = auth0mfa_authentication_method.e2e_security_key.cdp_credential
  sensitive = true
}
