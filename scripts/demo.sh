#!/usr/bin/env bash
# make demo: build, start the emulator, apply examples/quickstart against it with a generated
# dev_overrides CLI config, print what was enrolled, destroy, stop. Leaves nothing behind.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v terraform >/dev/null 2>&1 || { echo "demo: terraform is not on PATH; install Terraform 1.10 or newer." >&2; exit 1; }
command -v go >/dev/null 2>&1 || { echo "demo: go is not on PATH; install Go 1.25 or newer." >&2; exit 1; }

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "==> building the provider and the emulator"
go build -o "$work/bin/terraform-provider-auth0mfa" .
go build -o "$work/bin/auth0mfa-emulator" ./internal/cmd/auth0mfa-emulator

echo "==> starting the emulator"
"$work/bin/auth0mfa-emulator" --addr 127.0.0.1:0 --config examples/quickstart/emulator.json >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 100); do
  if head -n1 "$work/emulator.log" 2>/dev/null | grep -q '^listening on '; then break; fi
  sleep 0.1
done
url=$(head -n1 "$work/emulator.log" | sed 's/^listening on //')
[ -n "$url" ] || { echo "demo: the emulator did not start:" >&2; cat "$work/emulator.log" >&2; exit 1; }
echo "    emulator at $url"

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "auth0mfa/auth0mfa" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1
# The provider's shared record (used TOTP steps, journal, locks) goes with the demo's files.
export AUTH0MFA_CACHE_DIR="$work/cache"
export CHECKPOINT_DISABLE=1 # no checkpoint file in the home directory either
export AUTH0MFA_DOMAIN=demo.auth0mfa.test AUTH0MFA_BASE_URL="$url"
export AUTH0MFA_CLIENT_ID=demo-client AUTH0MFA_CLIENT_SECRET=demo-secret
export TF_VAR_emulator_url="$url"
export TF_VAR_code_command="[\"$work/bin/auth0mfa-emulator\", \"code\"]"

cp -r examples/quickstart/. "$work/quickstart/" 2>/dev/null || { mkdir -p "$work/quickstart"; cp -r examples/quickstart/. "$work/quickstart/"; }
cd "$work/quickstart"

echo "==> terraform apply"
if ! terraform apply -auto-approve -input=false -no-color >"$work/apply.log" 2>&1; then
  cat "$work/apply.log" >&2
  echo "demo: terraform apply failed" >&2
  exit 1
fi
echo
echo "Enrolled OTP: $(terraform output -raw authenticator_id)"
echo "Enrolled SMS: $(terraform output -raw sms_authenticator)"
echo "otpauth URI (scan it with an authenticator app): $(terraform output -raw otpauth_uri)"
echo "Current code: $(terraform output -raw totp_secret | "$work/bin/auth0mfa-emulator" totp)"
echo "Factors Auth0 lists for the user:"
terraform output -raw factors | sed 's/^/  /'
echo
echo

echo "==> terraform destroy"
if ! terraform destroy -auto-approve -input=false -no-color >"$work/destroy.log" 2>&1; then
  cat "$work/destroy.log" >&2
  echo "demo: terraform destroy failed" >&2
  exit 1
fi
echo "==> done: the emulator is stopped and the temporary directory removed"
