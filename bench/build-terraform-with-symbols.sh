#!/usr/bin/env bash
# Builds the Terraform CLI from source, with symbols, so `perf record -g` can name Terraform's
# own functions (release binaries are stripped). Used for README "Performance", "Why destroy
# cannot reach 1.3". Needs only Go and the module proxy.
#
#   bench/build-terraform-with-symbols.sh 1.11.4 /tmp/tf   # then: PATH=/tmp/tf:$PATH make bench
#
# The build itself is .ci/build-cli.sh's (the version matrix uses the same binaries, cached);
# this copies the result to OUTDIR.
set -euo pipefail
version=${1:?usage: $0 TERRAFORM_VERSION OUTDIR}
out=${2:?usage: $0 TERRAFORM_VERSION OUTDIR}
bin=$("$(dirname "$0")/../.ci/build-cli.sh" terraform "$version" | tail -1)
mkdir -p "$out"
cp "$bin" "$out/terraform"
"$out/terraform" version
