package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/emulator"
)

// faultKinds are the failures the matrix injects. Status faults hit two requests in a row;
// the latency outlasts the (lowered) request timeout.
var faultKinds = []struct {
	name  string
	fault emulator.Fault
}{
	{"429 x-ratelimit-reset", emulator.Fault{Status: 429, ResetAfter: 1, Count: 2}},
	{"429 Retry-After", emulator.Fault{Status: 429, RetryAfter: 1, Count: 2}},
	{"500", emulator.Fault{Status: 500, Count: 2}},
	{"503", emulator.Fault{Status: 503, Count: 2}},
	{"dropped connection", emulator.Fault{Drop: true, Count: 2}},
	{"latency past the request timeout", emulator.Fault{LatencyMS: 1500, Count: 1}},
}

// faultRows are the endpoints the provider calls, in the terraform runs (phases) that call them.
// A phase is the whole terraform run: a destroy run refreshes first, so a token fault there may
// land on the refresh's login. Challenge is called only to pass MFA with an OOB factor (deleting
// an SMS-only user's factor); associate only on create.
var faultRows = []struct{ endpoint, phase string }{
	{"POST /oauth/token", "create"}, {"POST /oauth/token", "refresh"}, {"POST /oauth/token", "destroy"},
	{"POST /mfa/associate", "create"},
	{"GET /mfa/authenticators", "create"}, {"GET /mfa/authenticators", "refresh"},
	{"POST /mfa/challenge", "destroy"},
	{"DELETE /mfa/authenticators/{id}", "destroy"},
}

// TestAccFaultMatrix: for every cell the operation succeeds after bounded retries; after the
// fault clears the next apply converges to an empty plan, and the tenant holds exactly the
// factors in state, none pending. The table is published in docs/guides/reliability.md.
func TestAccFaultMatrix(t *testing.T) {
	old := requestTimeout
	requestTimeout = time.Second
	t.Cleanup(func() { requestTimeout = old })
	for _, row := range faultRows {
		for _, fk := range faultKinds {
			t.Run(row.phase+"/"+row.endpoint+"/"+fk.name, func(t *testing.T) {
				runFaultCell(t, row.endpoint, row.phase, fk.fault)
			})
		}
	}
}

func runFaultCell(t *testing.T, endpoint, phase string, fault emulator.Fault) {
	env := newAccEnv(t)
	tn := env.emulatorOnly(t)
	fault.Endpoint = endpoint
	inject := func() { tn.InjectFault(fault) }
	clearFault := func() {
		// A fault that never happened would make the cell pass without testing anything.
		if n := tn.PendingFaults(); n > 0 {
			t.Errorf("%d injected %s request(s) never happened in the %s run", n, endpoint, phase)
		}
		tn.ClearFaults()
	}
	addr, cfg, factors := otpAddr, otpConfig(env, env.username, env.password), 1
	if endpoint == "POST /mfa/challenge" {
		// An SMS-only user: deleting passes MFA by challenging the factor itself.
		addr, factors = oobAddr, 2 // sms and its voice twin
		cfg = oobConfig(env, env.username, env.password, "  channel = \"sms\"\n  phone_number = \"+15551230801\"\n  "+codeCommand(env)+"\n")
	}
	empty := env.providerBlock()
	exact := func(want int) statecheck.StateCheck {
		return stateFunc(func(*tfjsonState) error { return tenantHoldsExactly(env, want) })
	}
	emptyPlan := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	var steps []resource.TestStep
	switch phase {
	case "create":
		steps = []resource.TestStep{
			{PreConfig: inject, Config: cfg},
			{PreConfig: clearFault, Config: cfg, ConfigPlanChecks: emptyPlan, ConfigStateChecks: []statecheck.StateCheck{
				exact(factors), checkActiveAtTenant(env, addr, env.username, env.password)}},
		}
	case "refresh":
		steps = []resource.TestStep{
			{Config: cfg},
			{PreConfig: inject, Config: cfg, ConfigPlanChecks: emptyPlan},
			{PreConfig: clearFault, Config: cfg, ConfigPlanChecks: emptyPlan, ConfigStateChecks: []statecheck.StateCheck{exact(factors)}},
		}
	case "destroy":
		steps = []resource.TestStep{
			{Config: cfg},
			{PreConfig: inject, Config: empty},
			{PreConfig: clearFault, Config: empty, ConfigPlanChecks: emptyPlan, ConfigStateChecks: []statecheck.StateCheck{exact(0)}},
		}
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviders, Steps: steps})
}

// tenantHoldsExactly: the user has want factors (recovery codes aside), all active.
func tenantHoldsExactly(env *accEnv, want int) error {
	n := 0
	for _, a := range env.authenticators(nil, env.username, env.password) {
		if !a.Active {
			return fmt.Errorf("pending enrollment left at the tenant: %s", a.ID)
		}
		if a.AuthenticatorType != "recovery-code" {
			n++
		}
	}
	if n != want {
		return fmt.Errorf("the tenant holds %d factors, state knows %d", n, want)
	}
	return nil
}
