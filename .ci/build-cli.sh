#!/usr/bin/env bash
# Builds a Terraform or OpenTofu CLI from its Go module on the module proxy (no download site
# is needed), keeps it in a cache outside the repository, and prints the version it built.
#
#   .ci/build-cli.sh terraform 1.16.4        # prints the binary's path on the last line
#   .ci/build-cli.sh opentofu 1.12.6
#   AUTH0MFA_CLI_CACHE=/some/dir .ci/build-cli.sh terraform 1.10.5
#
# The binary keeps its symbols, so `perf record -g` can name Terraform's own functions (the
# README's performance analysis uses that; release binaries are stripped).
#
# Terraform: its go.mod replaces the remote-state backends (and, from 1.16, `oci`) with nested
# modules that the module zip leaves out, so this copy drops those backends from go.mod and
# from the backend registry (a local-state run never uses them), plus the godebug lines some Go
# toolchains reject. Nothing else is changed.
# OpenTofu: its go.mod has one `replace` (its HCL fork); a build inside its own module honours
# it, so OpenTofu is built as downloaded.
set -euo pipefail
product=${1:?usage: $0 terraform|opentofu VERSION}
version=${2:?usage: $0 terraform|opentofu VERSION}
cache=${AUTH0MFA_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/auth0mfa-ci/clis}

case "$product" in
  terraform) module=github.com/hashicorp/terraform; binary=terraform; pkg=. ;;
  opentofu)  module=github.com/opentofu/opentofu;   binary=tofu;      pkg=./cmd/tofu ;;
  *) echo "build-cli: unknown product '$product' (terraform or opentofu)" >&2; exit 2 ;;
esac

out="$cache/$product-$version"
# The line of `version` that names the CLI, "Terraform v1.16.4" or "OpenTofu v1.12.6". The
# output is read whole (with pipefail, `| head -1` can kill the CLI with SIGPIPE and fail the
# check at random), and searched: OpenTofu prints CLI-configuration warnings on stdout first.
version_line() { local v; v=$("$1" version 2>/dev/null) || true; grep -m1 -E '^(Terraform|OpenTofu) v' <<<"$v" || true; }
if [ -x "$out/$binary" ] && [ "$(version_line "$out/$binary")" = "$( [ "$product" = opentofu ] && echo OpenTofu || echo Terraform) v$version" ]; then
  echo "build-cli: $product $version cached at $out/$binary ($(version_line "$out/$binary"))" >&2
  echo "$out/$binary"
  exit 0
fi

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
src=$(go mod download -json "$module@v$version" 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || true
if [ -z "$src" ]; then
  echo "build-cli: the Go module proxy did not serve $module@v$version; check GOPROXY and the version." >&2
  exit 1
fi
cp -r "$src" src && chmod -R u+w src && cd src

if [ "$product" = terraform ]; then
  sed -i -E '/^godebug /d; /^replace github.com\/hashicorp\/terraform\/internal\//d; /^[[:space:]]+github.com\/hashicorp\/terraform\/internal\//d' go.mod
  for b in Azure Consul Cos GCS Kubernetes OCI OSS Pg S3; do
    sed -i -E "/^[[:space:]]+backend$b \"/d; /return backend$b\.New\(\)/d" internal/backend/init/init.go
  done
fi

echo "build-cli: building $product $version (a few minutes on 2 cores)" >&2
mkdir -p "$out.tmp"
# version.dev=no: a release's version number, not "1.16.4-dev" (the module's default).
GOFLAGS=-mod=mod go build -trimpath -ldflags "-X $module/version.dev=no" -o "$out.tmp/$binary" "$pkg"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "build-cli: built $(version_line "$out/$binary")" >&2
echo "$out/$binary"
