#!/usr/bin/env bash
# Builds the Terraform CLI from source, with symbols, so `perf record -g` can name Terraform's
# own functions (release binaries are stripped). Used for README "Performance", "Why destroy
# cannot reach 1.3". Needs only Go and the module proxy.
#
#   bench/build-terraform-with-symbols.sh 1.11.4 /tmp/tf   # then: PATH=/tmp/tf:$PATH make bench
#
# The module's go.mod replaces the remote-state backends with nested modules that are not in
# the module zip, so this copy drops those backends (a local-state run never uses them) and the
# godebug lines newer Go toolchains reject. Nothing else of Terraform is changed.
set -euo pipefail
version=${1:?usage: $0 TERRAFORM_VERSION OUTDIR}
out=${2:?usage: $0 TERRAFORM_VERSION OUTDIR}
mkdir -p "$out" && out=$(cd "$out" && pwd) # absolute: the build runs in a scratch directory
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
src=$(go mod download -json "github.com/hashicorp/terraform@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$src" ] || { echo "could not download github.com/hashicorp/terraform@v$version" >&2; exit 1; }
cp -r "$src" tf && chmod -R u+w tf && cd tf

sed -i -E '/^godebug /d; /^replace github.com\/hashicorp\/terraform\/internal\//d; /^[[:space:]]+github.com\/hashicorp\/terraform\/internal\//d' go.mod
for b in Azure Consul Cos GCS Kubernetes OSS Pg S3; do
  sed -i -E "/^[[:space:]]+backend$b \"/d; /return backend$b\.New\(\)/d" internal/backend/init/init.go
done

go build -o "$out/terraform" .
"$out/terraform" version
