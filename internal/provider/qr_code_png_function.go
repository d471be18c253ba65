package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/qrcode"
)

// qrCodePNGFunction is provider::auth0mfa::qr_code_png(uri): an otpauth:// URI (an OTP
// factor's barcode_uri, or a push enrollment's) as a base64 PNG QR code. It replaces the
// qr_code_png attribute the OTP resource used to store: rendered on demand, the image costs
// nothing in state, where Terraform rewrites every byte after every resource it changes
// (CONTRIBUTING.md "Design notes"). The name is the attribute AWS users know from
// aws_iam_virtual_mfa_device.
type qrCodePNGFunction struct{}

func newQRCodePNGFunction() function.Function { return qrCodePNGFunction{} }

func (qrCodePNGFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "qr_code_png"
}

func (qrCodePNGFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "An otpauth:// URI as a base64-encoded PNG QR code.",
		MarkdownDescription: "Renders `uri`, an `otpauth://` URI such as `auth0mfa_otp_authenticator.x.barcode_uri` or a " +
			"push factor's `auth0mfa_oob_authenticator.x.barcode_uri`, as the QR code an authenticator app or the " +
			"Guardian app scans: a base64-encoded 1-bit PNG (error correction level M, 4 pixels per module, the " +
			"standard quiet zone). To write it to a file, use for example the hashicorp/local provider's " +
			"`local_sensitive_file` with `content_base64 = provider::auth0mfa::qr_code_png(...)`. The URI holds the " +
			"factor's secret and the result is as sensitive: Terraform keeps the argument's sensitivity on the " +
			"result, so pass the sensitive attribute itself, not a copy made with `nonsensitive`.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "uri", Description: "An otpauth:// URI (at most about 2 KiB, the capacity of a QR code at level M)."},
		},
		Return: function.StringReturn{},
	}
}

func (qrCodePNGFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var uri string
	if resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &uri)); resp.Error != nil {
		return
	}
	if !strings.HasPrefix(uri, "otpauth://") {
		// The value is not echoed: a mistake here is often a secret passed instead of its URI.
		resp.Error = function.NewArgumentFuncError(0, "uri must be an otpauth:// URI, such as auth0mfa_otp_authenticator.x.barcode_uri "+
			"(the value given does not start with otpauth:// and is not shown, as it may be a secret)")
		return
	}
	png, err := qrcode.PNG(uri)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "the URI cannot be drawn as a QR code: "+err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, png))
}
