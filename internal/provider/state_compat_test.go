package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// State written before qr_code_png left the OTP resource (0.1.x) still loads: Terraform asks
// the provider to upgrade it, and the framework drops attributes the schema no longer has.
func TestStateWithQRCodePNGStillLoads(t *testing.T) {
	ctx := context.Background()
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	otp := schemas.ResourceSchemas["auth0mfa_otp_authenticator"]
	old := `{"id":"totp|dev_WzMZ2sZbUw1wbC2F","login":{"username":"ci-bot@example.com","password":"pw","realm":null,` +
		`"otp_secret":null,"recovery_code":null},"secret":"JBSWY3DPEHPK3PXP","barcode_uri":"otpauth://totp/x",` +
		`"qr_code_png":"iVBORw0KGgoAAAANSUhEUg==","recovery_codes":null,"active":true,"new_recovery_code":null,"timeouts":null}`
	resp, err := srv.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "auth0mfa_otp_authenticator", Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(old)},
	})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("upgrade: %v %v", err, resp.Diagnostics)
	}
	v, err := resp.UpgradedState.Unmarshal(otp.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var id, secret string
	_ = attrs["id"].As(&id)
	_ = attrs["secret"].As(&secret)
	if _, kept := attrs["qr_code_png"]; kept || id != "totp|dev_WzMZ2sZbUw1wbC2F" || secret != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("upgraded state: %v", attrs)
	}
}
