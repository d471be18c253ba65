package provider

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/totp"
)

// totpCodeFunction is provider::auth0mfa::totp_code(secret, unix_time): the TOTP code Auth0
// accepts at a given time. The time is an argument, so the result is deterministic, as
// Terraform requires of functions; plantimestamp() gives "now" at plan time.
type totpCodeFunction struct{}

func newTOTPCodeFunction() function.Function { return totpCodeFunction{} }

func (totpCodeFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "totp_code"
}

func (totpCodeFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The 6-digit TOTP code of an Auth0 OTP secret at a given Unix time.",
		MarkdownDescription: "Computes the code an authenticator app shows for `secret` at `unix_time` (RFC 6238: " +
			"HMAC-SHA1, 6 digits, 30-second steps, as Auth0 uses). The time is an argument so the result is " +
			"deterministic: pass a number, such as a Unix time the pipeline hands in (`-var now=$(date +%s)`), or, where the " +
			"hashicorp/time provider (0.11 or later) can be installed, `provider::time::rfc3339_parse(plantimestamp()).unix`. Use it for checks " +
			"and outputs that need a code in the configuration; the code appears in plan output, so prefer the " +
			"`auth0mfa_totp_code` ephemeral resource when a code must not be recorded.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "secret", Description: "The base32 TOTP secret (the OTP resource's `secret`)."},
			// A number, not an int64 parameter: the framework answers a fraction given to an
			// int64 parameter with an internal error; a number lets Run say what is wrong.
			function.NumberParameter{Name: "unix_time", Description: "Whole seconds since 1970-01-01 UTC, not negative; a fraction is refused (round it with `floor()`)."},
		},
		Return: function.StringReturn{},
	}
}

func (totpCodeFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var secret string
	var number *big.Float
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &secret, &number))
	if resp.Error != nil {
		return
	}
	unixTime, exact := number.Int64()
	if !number.IsInt() || exact != big.Exact {
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf("unix_time must be a whole number of seconds, got %s; "+
			"round it with floor() first", number.Text('g', -1)))
		return
	}
	code, err := totpCodeAt(secret, unixTime)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(argumentIndex(err), err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, code)
}

// argError names the argument an error is about.
type argError struct {
	arg int64
	msg string
}

func (e argError) Error() string { return e.msg }

func argumentIndex(err error) int64 {
	if ae, ok := err.(argError); ok {
		return ae.arg
	}
	return 0
}

// maxUnixTime is the last second a step number fits without overflow in any consumer
// (year 9999), a sanity bound rather than a protocol limit.
const maxUnixTime int64 = 253402300799

// totpCodeAt validates the inputs and computes the code; its errors never quote the secret.
func totpCodeAt(secret string, unixTime int64) (string, error) {
	if unixTime < 0 || unixTime > maxUnixTime {
		return "", argError{1, fmt.Sprintf("unix_time must be between 0 and %d (the year 9999), got %d", maxUnixTime, unixTime)}
	}
	code, err := totp.Code(secret, time.Unix(unixTime, 0))
	if err != nil {
		return "", argError{0, "secret: " + err.Error()}
	}
	return code, nil
}
