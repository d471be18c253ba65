package provider

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image/png"
	"net/url"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/auth0mfa/terraform-provider-auth0mfa/internal/mfaapi"
)

// pngBase64 checks that a value is a base64 PNG image.
type pngBase64 struct{}

func (pngBase64) String() string { return "base64 PNG" }
func (pngBase64) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("want a string, got %T", v)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("not base64: %w", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("not a PNG: %w", err)
	}
	if b := img.Bounds(); b.Dx() < 100 {
		return fmt.Errorf("QR code image too small: %v", b)
	}
	return nil
}

// otpauthURI checks an otpauth:// TOTP URI with Auth0's parameters and the tenant's issuer.
type otpauthURI struct{ issuer string }

func (c otpauthURI) String() string { return "otpauth URI issued by " + c.issuer }
func (c otpauthURI) CheckValue(v any) error {
	s, _ := v.(string)
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" {
		return fmt.Errorf("not an otpauth://totp URI: %v", err)
	}
	q := u.Query()
	if q.Get("issuer") != c.issuer || q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" || len(q.Get("secret")) != 32 {
		return fmt.Errorf("unexpected parameters %v", q)
	}
	return nil
}

var _ knownvalue.Check = pngBase64{}

// stateAttr reads one attribute of a resource from the state terraform reports.
func stateAttr(state *tfjson.State, address, attr string) (any, error) {
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return nil, fmt.Errorf("no state")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return r.AttributeValues[attr], nil
		}
	}
	return nil, fmt.Errorf("%s not in state", address)
}

// stateFunc adapts a function to a StateCheck.
type stateFunc func(*tfjson.State) error

func (f stateFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if err := f(req.State); err != nil {
		resp.Error = err
	}
}

// checkActiveAtTenant: the id in state is an active authenticator of the user at the tenant.
func checkActiveAtTenant(env *accEnv, address, username, password string) statecheck.StateCheck {
	return stateFunc(func(s *tfjson.State) error {
		id, err := stateAttr(s, address, "id")
		if err != nil {
			return err
		}
		for _, a := range env.authenticators(nil, username, password) {
			if a.ID == id && a.Active {
				return nil
			}
		}
		return fmt.Errorf("%v is not active at the tenant for %s", id, username)
	})
}

// checkSecretLogsIn computes a code from the secret in state and completes an mfa-otp login.
func checkSecretLogsIn(env *accEnv, address, username, password string) statecheck.StateCheck {
	return stateFunc(func(s *tfjson.State) error {
		secret, err := stateAttr(s, address, "secret")
		if err != nil {
			return err
		}
		// A code no one has used, from the record of used steps this machine's runs share (as
		// another run would take it), so the provider's later operations do not collide with it.
		c := env.client(nil)
		code, wait, err := c.Codes().Next(fmt.Sprint(secret))
		if err != nil {
			return err
		}
		time.Sleep(wait)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err = c.Login(ctx, mfaapi.PasswordLogin{Username: username, Password: password, Audience: c.MFAAudience(), Scope: mfaapi.MFAScopes})
		mfaToken, ok := mfaapi.MFARequired(err)
		if !ok {
			return fmt.Errorf("expected mfa_required, got %v", err)
		}
		if _, err := c.VerifyOTP(ctx, mfaToken, code); err != nil {
			return fmt.Errorf("a code computed from the secret in state was refused: %w", err)
		}
		return nil
	})
}

// captureAttr stores an attribute's value for a later step.
func captureAttr(address, attr string, into *string) statecheck.StateCheck { //nolint:unparam // the OOB resource's tests will pass other addresses
	return stateFunc(func(s *tfjson.State) error {
		v, err := stateAttr(s, address, attr)
		*into = fmt.Sprint(v)
		return err
	})
}

type tfjsonState = tfjson.State
