package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

func TestTOTPWaitIsAWarningThatSaysWhy(t *testing.T) {
	var diags diag.Diagnostics
	warnTOTPWait(&diags, 0)
	if len(diags) != 0 {
		t.Fatal("no wait, no warning")
	}
	warnTOTPWait(&diags, 24*time.Second+300*time.Millisecond)
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || !strings.Contains(diags[0].Detail(), "waited 24s") ||
		!strings.Contains(diags[0].Detail(), "accepts each code only once") {
		t.Fatalf("%v", diags)
	}
}
