// Command terraform-provider-auth0mfa is the Terraform provider that enrolls and confirms
// Auth0 MFA factors for users.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/provider"
)

// version is set by the linker (goreleaser: -X main.version={{.Version}}).
var version = "dev"

// softMemoryLimit keeps the provider's resident memory near its live heap. Terraform runs it
// as a sidecar that serves thousands of short requests (make bench: 1,000 resources); with
// Go's default pacing alone the heap grows to several times the live data between
// collections. A limit set by the user (GOMEMLIMIT) wins.
const softMemoryLimit = 64 << 20

// gcPercent lets the heap grow to five times the live data before a collection (Go's default
// is twice), while softMemoryLimit caps it: the plugin SDKs allocate heavily per request, and
// garbage collection was a third of the provider's CPU in a pprof of make bench. GOGC 200
// measured 9 % (apply) and 14 % (destroy) less provider CPU than the default; 400, 15 % and
// 27 % less again at U = 100 (issue 15), with the peak at U = 500 still 94 MiB, as the soft
// limit then paces collections. GOGC set by the user wins.
const gcPercent = 400

func main() {
	provider.AlignSDKLogLevels()
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	defer profileCPU(os.Getenv("AUTH0MFA_CPU_PROFILE_DIR"))()
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.Address,
		Debug:   debugMode,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// profileCPU writes a CPU profile of this provider process to dir/cpu-PID.pprof until the
// returned function is called (when Terraform stops the provider), for finding where the
// provider's time goes under a real terraform run (README "Performance"). Terraform starts
// one provider process per walk, so a run leaves several; `go tool pprof` merges them.
// Profiling is off unless AUTH0MFA_CPU_PROFILE_DIR is set.
func profileCPU(dir string) func() {
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, "cpu-"+strconv.Itoa(os.Getpid())+".pprof"))
	if err != nil {
		log.Printf("[WARN] AUTH0MFA_CPU_PROFILE_DIR: %v; not profiling", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Printf("[WARN] AUTH0MFA_CPU_PROFILE_DIR: %v; not profiling", err)
		_ = f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
