# The quickstart enrolls nothing yet: it shows that terraform loads the provider and that the
# provider reaches the local emulator. `make demo` runs it against the emulator.
terraform {
  required_providers {
    auth0mfa = {
      source = "auth0mfa/auth0mfa"
    }
  }
}

provider "auth0mfa" {}

resource "terraform_data" "hello" {
  input = "auth0mfa provider loaded"
}

output "status" {
  value = terraform_data.hello.output
}
