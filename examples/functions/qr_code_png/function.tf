# The QR code an authenticator app scans, rendered when needed instead of stored in state.
# In a real configuration the URI is auth0mfa_otp_authenticator.<name>.barcode_uri (sensitive,
# and so is the result), or a push factor's auth0mfa_oob_authenticator.<name>.barcode_uri.
locals {
  # RFC 6238's SHA-1 test secret, not a real factor.
  example_uri = "otpauth://totp/Example:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example"
}

output "qr_code_png_signature" {
  # Every PNG starts with the same 8 bytes, "iVBORw0KGgo" in base64.
  value = substr(provider::auth0mfa::qr_code_png(local.example_uri), 0, 11)
}

# To hand the image to a person, write it to a file, for example with hashicorp/local:
#
# resource "local_sensitive_file" "ci_bot_qr" {
#   filename       = "${path.module}/ci-bot-qr.png"
#   content_base64 = provider::auth0mfa::qr_code_png(auth0mfa_otp_authenticator.ci_bot.barcode_uri)
# }
