package emulator

import "time"

// OutboxMessage is a code the tenant "sent" by SMS, voice call or email.
type OutboxMessage struct {
	To       string    `json:"to"`
	Channel  string    `json:"channel"`
	Code     string    `json:"code"`
	Username string    `json:"username"`
	SentAt   time.Time `json:"sent_at"`
}

// pushRequest is a push notification waiting for the (emulated) Guardian app.
type pushRequest struct {
	Username string    `json:"username"`
	OOBCode  string    `json:"-"`
	SentAt   time.Time `json:"sent_at"`
	State    string    `json:"state"`
}

// sendCode starts an oob transaction for a, delivers its binding code to the outbox and
// returns the oob_code.
func (s *Server) sendCode(u *user, a *authenticator, channel string) string {
	now := s.now()
	binding := s.secret(newBindingCode())
	code := s.secret(newOpaqueToken(now.Add(oobCodeLifetime)))
	s.oobTxns[code] = &oobTransaction{userID: u.id, authID: a.id, bindingCode: binding, expires: now.Add(oobCodeLifetime)}
	s.outbox = append(s.outbox, OutboxMessage{To: a.destination, Channel: channel, Code: binding, Username: u.cfg.Username, SentAt: now})
	return code
}

// startPush starts a push transaction for a and returns its oob_code.
func (s *Server) startPush(u *user, a *authenticator) string {
	now := s.now()
	code := s.secret(newOpaqueToken(now.Add(oobCodeLifetime)))
	s.oobTxns[code] = &oobTransaction{userID: u.id, authID: a.id, expires: now.Add(oobCodeLifetime)}
	s.pushes = append(s.pushes, &pushRequest{Username: u.cfg.Username, OOBCode: code, SentAt: now, State: "pending"})
	return code
}
