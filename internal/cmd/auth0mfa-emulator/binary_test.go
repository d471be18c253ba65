package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// testVersion is linked into the test binary the way .goreleaser.yml links the release's.
const testVersion = "9.8.7-test"

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildOut  []byte
	buildDir  string
)

// emulatorBinary builds the real command once per test process (with the release's version
// ldflag) and returns its path.
func emulatorBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		// One build serves every test of the process (t.TempDir would vanish with the first
		// test); TestMain removes it.
		buildDir, buildErr = os.MkdirTemp("", "auth0mfa-emulator-test-") //nolint:usetesting // see above
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "auth0mfa-emulator")
		buildOut, buildErr = exec.Command("go", "build", "-ldflags", "-X main.version="+testVersion, "-o", builtBin, ".").CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("build: %v\n%s", buildErr, buildOut)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// runBinary runs the built command with args and env added to the test's environment.
func runBinary(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(emulatorBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errb.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %v: %v", args, err)
	}
	return out.String(), errb.String(), 0
}
