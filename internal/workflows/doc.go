// Package workflows holds the tests that keep the GitHub workflows (.github/) in step with what
// .ci/run checks: the same make targets, the same version matrix, pinned actions, a release
// that signs what goreleaser builds. actionlint (make actionlint) checks the YAML itself.
package workflows
