package mfaapi

import (
	"context"
	"errors"
	"time"
)

// BindingCodeFetcher returns the code Auth0 sent to a factor's phone or inbox; sentAt is when
// the code was requested, so older messages can be skipped.
type BindingCodeFetcher func(ctx context.Context, sentAt time.Time) (string, error)

// EnrollOOB enrolls and confirms an out-of-band factor: sms, voice and email with the code
// fetch returns, push (channel auth0) by polling until the device approves.
func (s *Session) EnrollOOB(ctx context.Context, req AssociateRequest, fetch BindingCodeFetcher, up StepUp) (*Enrollment, error) {
	confirm := func(ctx context.Context, mfaToken string, a *Association) (*Tokens, error) {
		return s.c.completeOOB(ctx, mfaToken, a.OOBCode, a.BindingMethod, a.SentAt, fetch)
	}
	return s.Enroll(ctx, req, confirm, up)
}

// completeOOB finishes an oob transaction: a prompted binding code, or a push poll.
func (c *Client) completeOOB(ctx context.Context, mfaToken, oobCode, bindingMethod string, sentAt time.Time, fetch BindingCodeFetcher) (*Tokens, error) {
	if oobCode == "" {
		return nil, errors.New("Auth0's answer carried no oob_code")
	}
	if bindingMethod != "prompt" {
		return c.PollPush(ctx, mfaToken, oobCode)
	}
	if fetch == nil {
		return nil, errors.New("a binding code is needed but no binding_code_command is set")
	}
	code, err := fetch(ctx, sentAt)
	if err != nil {
		return nil, err
	}
	return c.VerifyOOB(ctx, mfaToken, oobCode, code)
}

// OOBStepUp passes MFA by challenging one out-of-band authenticator of the user (sending it a
// code, or a push) and completing the challenge with fetch or by polling.
func (c *Client) OOBStepUp(authenticatorID string, fetch BindingCodeFetcher) func(ctx context.Context, mfaToken string) (*Tokens, error) {
	return func(ctx context.Context, mfaToken string) (*Tokens, error) {
		sentAt := c.now()
		ch, err := c.Challenge(ctx, ChallengeRequest{MFAToken: mfaToken, ChallengeType: "oob", AuthenticatorID: authenticatorID})
		if err != nil {
			return nil, err
		}
		return c.completeOOB(ctx, mfaToken, ch.OOBCode, ch.BindingMethod, sentAt, fetch)
	}
}
