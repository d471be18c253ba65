package totp

import (
	"sync"
	"time"
)

// How long the previous step's code must still be accepted for us to send it: Auth0 takes the
// previous step only until the current one ends, and a request takes well under a second. A
// code that expires in flight anyway (a transport retry after a 429 or 5xx) is answered
// invalid_grant, and the caller sends the next code (mfaapi.verifyWithSecret): one refused
// attempt. Refusing the previous code costs more: whoever comes next in the same step finds
// the current code used and waits for a new step. A confirmation that took the current code
// with up to 5 s left (the margin once was 5 s) made a destroy a few seconds later wait in
// make bench; with 2 s, that destroy falls in the next step.
const (
	minPreviousStepLifeNew      = 2 * time.Second
	minPreviousStepLifeExisting = 1 * time.Second
)

// previousSafe reports whether the previous step's code may still be sent at now.
func previousSafe(now time.Time, fresh bool) bool {
	margin := minPreviousStepLifeExisting
	if fresh {
		margin = minPreviousStepLifeNew
	}
	return time.Unix((Step(now)+1)*Period, 0).Sub(now) >= margin
}

// Book remembers which steps of each secret this process has used, so that no code is sent
// twice and no one waits for a new window while an unused valid code exists. Auth0 accepts the
// current and the previous 30 s step and each code once.
//
// The order is chosen so that consecutive processes do not collide (a collision costs a failed
// attempt, and Auth0 allows only 10 an hour): a brand-new secret (confirming an enrollment) uses
// the previous step first, leaving the current step free; an existing secret (passing MFA, often
// in the next terraform run) uses the current step first, then the previous one.
type Book struct {
	mu     sync.Mutex
	now    func() time.Time
	used   map[string]map[int64]bool
	nWaits int64
	store  Store
}

// WithStore shares the record of used steps with other processes through s (nil: none).
func (b *Book) WithStore(s Store) *Book {
	b.store = s
	return b
}

// NewBook makes a Book on the given clock (time.Now when nil).
func NewBook(now func() time.Time) *Book {
	if now == nil {
		now = time.Now
	}
	return &Book{now: now, used: map[string]map[int64]bool{}}
}

// Next picks the code to pass MFA with an existing secret and marks it used. wait is non-zero
// only when both valid codes are used: the caller sleeps it, then sends the code.
func (b *Book) Next(secret string) (code string, wait time.Duration, err error) {
	return b.next(secret, false)
}

// NextNew is Next for a secret nobody has used yet (an enrollment's confirmation).
func (b *Book) NextNew(secret string) (code string, wait time.Duration, err error) {
	return b.next(secret, true)
}

// Ready reports whether secret has an unused code that can be sent now, without waiting.
func (b *Book) Ready(secret string) bool {
	s, err := NormaliseSecret(secret)
	if err != nil {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	cur := Step(now)
	used, handed := b.load(s), b.load(handedKey(s))
	free := func(st int64) bool { return !used[st] && !handed[st] }
	return free(cur) || (previousSafe(now, false) && free(cur-1))
}

func (b *Book) next(secret string, fresh bool) (string, time.Duration, error) {
	code, _, wait, err := b.reserve(secret, fresh, false)
	return code, wait, err
}

// Hand picks a code for someone else to send (the ephemeral TOTP code): one no operation of
// the provider has used, and the step it belongs to (Auth0 accepts it until the end of
// step+1). Handed steps are recorded apart from used ones, across processes: the provider's
// own operations avoid them (the receiver may send the code at any time), but a later Hand may
// give the same code again. Terraform opens an ephemeral resource in every walk (plan, apply),
// and most of those codes are never sent; counting them as used would make every run wait for
// new steps.
func (b *Book) Hand(secret string) (code string, step int64, wait time.Duration, err error) {
	return b.reserve(secret, false, true)
}

// handedKey names the record of handed steps of s (DirStore hashes keys, so it never shows).
func handedKey(s string) string { return "handed\x00" + s }

// load returns the in-memory record for key, merged with the shared one; b.mu is held.
func (b *Book) load(key string) map[int64]bool {
	m := b.used[key]
	if m == nil {
		m = map[int64]bool{}
		b.used[key] = m
	}
	if b.store != nil {
		for _, st := range b.store.Load(key) {
			m[st] = true
		}
	}
	return m
}

// mark records step in the record for key, forgets steps that can no longer be sent, and
// shares the record; b.mu is held.
func (b *Book) mark(key string, m map[int64]bool, step, cur int64) {
	m[step] = true
	var keep []int64
	for st := range m {
		if st < cur-1 {
			delete(m, st)
		} else {
			keep = append(keep, st)
		}
	}
	if b.store != nil {
		b.store.Save(key, keep)
	}
}

func (b *Book) reserve(secret string, fresh, hand bool) (string, int64, time.Duration, error) {
	s, err := NormaliseSecret(secret)
	if err != nil {
		return "", 0, 0, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.store != nil {
		// Load, pick and save under the store's lock: another process picking at the same
		// moment would otherwise take the same step.
		defer b.store.Lock(s)()
	}
	now := b.now()
	cur := Step(now)
	used, handed := b.load(s), b.load(handedKey(s))
	taken := func(st int64) bool { return used[st] || (!hand && handed[st]) }
	prevOK := previousSafe(now, fresh)
	order := []int64{cur, cur - 1}
	if fresh {
		order = []int64{cur - 1, cur}
	}
	var wait time.Duration
	step := int64(-1)
	for _, candidate := range order {
		if !taken(candidate) && (candidate == cur || prevOK) {
			step = candidate
			break
		}
	}
	if step < 0 {
		step = cur + 1
		wait = time.Unix(step*Period, 0).Sub(now)
		b.nWaits++
	}
	if hand {
		b.mark(handedKey(s), handed, step, cur)
	} else {
		b.mark(s, used, step, cur)
	}
	code, err := CodeAtStep(s, step)
	return code, step, wait, err
}

// Waits counts the times a caller had to wait for a new step.
func (b *Book) Waits() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.nWaits
}
