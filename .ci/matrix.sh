#!/usr/bin/env bash
# Runs the acceptance subset MATRIX_TESTS (a go test -run pattern) on each CLI of MATRIX_CLIS
# ("terraform:1.10.5 opentofu:1.12.6 ..."), built by .ci/build-cli.sh and cached. Prints, per
# CLI, how many tests passed and what was skipped and why; on a failure, the failing lines
# and where the full log is. Called by `make matrix` (which holds the pinned lists).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MATRIX_CLIS:?set MATRIX_CLIS, for example 'terraform:1.16.4 opentofu:1.12.6'}"
: "${MATRIX_TESTS:?set MATRIX_TESTS to a go test -run pattern}"

# A TF_CLI_CONFIG_FILE naming a missing file makes OpenTofu print a warning on stdout before
# its version, which the test harness then cannot parse; such a setting configures nothing.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then
  unset TF_CLI_CONFIG_FILE
fi

logs=${TMPDIR:-/tmp}/auth0mfa-matrix
mkdir -p "$logs"
# The first Terraform of the list (the oldest supported) writes state without identities for
# the upgrade test on the CLIs after it (TestAccIdentity_backfilledAfterUpgrade).
# MATRIX_UPGRADE_FROM (a Terraform version) names it when the list has one CLI, as in one job
# of the GitHub workflow's matrix.
upgrade_from=
if [ -n "${MATRIX_UPGRADE_FROM:-}" ]; then
  upgrade_from=$(.ci/build-cli.sh terraform "$MATRIX_UPGRADE_FROM" | tail -1)
  [ -x "$upgrade_from" ] || { echo "matrix: no terraform $MATRIX_UPGRADE_FROM for the upgrade test (see above)" >&2; exit 1; }
fi
for cli in $MATRIX_CLIS; do
  product=${cli%%:*} version=${cli#*:}
  bin=$(.ci/build-cli.sh "$product" "$version" | tail -1)
  [ -x "$bin" ] || { echo "matrix: no $product $version binary (see .ci/build-cli.sh's message above)" >&2; exit 1; }
  # OpenTofu resolves providers against its own registry; without this the harness may
  # quietly fall back to a Terraform binary.
  host=registry.terraform.io
  [ "$product" = opentofu ] && host=registry.opentofu.org
  log=$logs/$product-$version.log
  echo "matrix: $product $version ($bin)"
  start=$(date +%s)
  if ! TF_ACC=1 TF_ACC_TERRAFORM_PATH=$bin TF_ACC_PROVIDER_HOST=$host AUTH0MFA_TEST_UPGRADE_FROM=$upgrade_from \
      go test -count=1 -timeout 20m -run "$MATRIX_TESTS" -v ./internal/provider/ >"$log" 2>&1; then
    grep -E '^(--- FAIL|FAIL|panic)|^\s+\S+_test\.go:[0-9]+:' "$log" | head -60 || true
    echo "matrix: $product $version FAILED (full log: $log)" >&2
    exit 1
  fi
  echo "matrix: $product $version: $(grep -c '^--- PASS' "$log") tests passed, $(grep -c '^--- SKIP' "$log") skipped, in $(( $(date +%s) - start )) s"
  grep -E '^\s+\S+_test\.go:[0-9]+: .* has no ' "$log" | sed -E 's/^\s+\S+_test\.go:[0-9]+: /  skipped: /' | sort | uniq -c || true
  if [ "$product" = terraform ] && [ -z "$upgrade_from" ]; then
    upgrade_from=$bin
  fi
done
