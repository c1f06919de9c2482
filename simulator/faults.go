package simulator

import (
	"slices"
	"strings"
	"time"
)

// FaultKind names one way the simulated server misbehaves.
type FaultKind string

// Fault kinds. The string values double as the names in a fault spec.
const (
	// StatusError answers Fault.Status (default 500) with a {"message"} body.
	StatusError FaultKind = "status-error"
	// TooManyRequests answers 429 with Retry-After in whole seconds.
	TooManyRequests FaultKind = "too-many-requests"
	// Revoked answers 401 and really invalidates the presented token.
	Revoked FaultKind = "revoked"
	// ResetMidBody sends half the body, then aborts the connection.
	ResetMidBody FaultKind = "reset-mid-body"
	// Truncated declares the full Content-Length, sends half, then closes.
	Truncated FaultKind = "truncated"
	// MalformedJSON answers 200 with syntactically broken JSON.
	MalformedJSON FaultKind = "malformed-json"
	// HTMLError answers with a text/html error page (status 200 unless
	// Fault.Status is set), like a misconfigured reverse proxy.
	HTMLError FaultKind = "html-error"
	// HugeBody answers 200 with valid-looking JSON of Fault.Size bytes
	// (default 64 MiB), generated on the fly.
	HugeBody FaultKind = "huge-body"
	// SlowDrip sends a page one byte every DripInterval until the client
	// goes away.
	SlowDrip FaultKind = "slow-drip"
	// The paging kinds below (IgnoreOffset to OddBooleans) spoil v1
	// SelectedMailboxes pages; IgnoreOffset and DuplicateIDs also spoil
	// the pages of v6 and later lists. On other endpoints they do nothing.

	// IgnoreOffset serves offset 0 whatever was asked (on v6 and later
	// still echoing the offset asked).
	IgnoreOffset FaultKind = "ignore-offset"
	// LoopingNext always fills the page, wrapping around, with _links.next
	// back at offset 0 (mailboxes only).
	LoopingNext FaultKind = "looping-next"
	// DuplicateIDs repeats ids of the previous page in place of some of its
	// own, keeping the count.
	DuplicateIDs FaultKind = "duplicate-ids"
	// MutateBetweenPages changes the job's mailboxes after the page is sent:
	// odd hits remove the first mailbox, even hits add one at the front, so
	// later offsets shift. Truth follows the change (mailboxes only).
	MutateBetweenPages FaultKind = "mutate-between-pages"
	// OddBooleans renders isBackedUp in every odd form (see oddTrue and
	// oddFalse); Truth still gives what a correct client counts.
	OddBooleans FaultKind = "odd-booleans"
	// BadTokenResponse answers the token endpoint 200 with a body lacking
	// access_token (token only).
	BadTokenResponse FaultKind = "bad-token-response"
	// NullStorm sends the 200 answers of v6 and later with every member
	// their schema does not require null or absent (which of the two is
	// fixed by the seed and the item), as real servers send what the
	// schemas do not promise. The members the schemas require stay, but
	// on about half the items (again by seed and item) these required
	// ones are null too: a repository's user data entry without its id
	// or its organization (organizationId on v6, backedUpOrganizationId
	// later), a site data entry without its title or organization, a
	// team data entry without its organization, a site without its title
	// or isPersonal, a team without its mail. The token, v1 and error
	// answers pass unchanged. Truth is not adjusted: what a correct
	// client reports is "exact or flagged" (docs/fault-matrix.md).
	NullStorm FaultKind = "null-storm"
)

// FaultKinds lists every kind, for parsers and help texts.
var FaultKinds = []FaultKind{StatusError, TooManyRequests, Revoked, ResetMidBody, Truncated,
	MalformedJSON, HTMLError, HugeBody, SlowDrip, IgnoreOffset, LoopingNext, DuplicateIDs,
	MutateBetweenPages, OddBooleans, BadTokenResponse, NullStorm}

// DripInterval is the pause between bytes of a SlowDrip body.
const DripInterval = 100 * time.Millisecond

// Fault selects requests and says how to spoil them. The first added fault
// that selects a request wins.
type Fault struct {
	// Endpoint is one of the Endpoint constants ("token", "jobs", "job",
	// "mailboxes", "users", "group-members", "user-data", ...) or "" for
	// all.
	Endpoint string
	// JobID restricts the fault to requests for this id; Requests then
	// count that id's requests only. It is the job id on job endpoints
	// (job, mailboxes, selected-items, excluded-items), the organization id
	// on organization, organization-jobs, users, groups and
	// organization-sync-state, the group id on
	// group-members, the repository id on repository and user-data, the
	// restore session's id on restore-session and restore-session-events
	// and the role's id on rbac-role-operators.
	JobID string
	// Kind is how the selected requests are spoiled.
	Kind FaultKind
	// Requests are the 1-based request numbers hit. Empty with Probability
	// 0 means every request.
	Requests []int
	// Probability hits a seeded-random share of requests instead.
	Probability float64
	// Status is the HTTP status for StatusError (default 500) and
	// HTMLError (default 200).
	Status int
	// RetryAfter is sent with TooManyRequests (default 1s); a negative
	// one sends no Retry-After at all.
	RetryAfter time.Duration
	// EmptyBody answers StatusError, TooManyRequests and Revoked with no
	// body at all (Content-Length 0, no Content-Type), as IIS does for a
	// 401 of an expired token.
	EmptyBody bool
	// Size is the HugeBody length in bytes (default 64 MiB).
	Size int64
}

// fired is a fault that selected the current request; hits is how many
// requests it has selected so far, this one included.
type fired struct {
	Fault
	hits int
}

// AddFault appends a fault; request numbers count from the last
// ResetCounters, so add faults before the requests they target.
func (s *Simulator) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fired{Fault: f})
}

// ClearFaults removes every fault; the server behaves again.
func (s *Simulator) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// pickFault returns a copy of the first fault selecting this request.
func (s *Simulator) pickFault(rt routed) *fired {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if f.Endpoint != "" && !strings.EqualFold(f.Endpoint, rt.endpoint) {
			continue
		}
		n := rt.n
		if f.JobID != "" {
			if !strings.EqualFold(f.JobID, rt.jobID) {
				continue
			}
			n = rt.perJob
		}
		hit := true
		switch {
		case len(f.Requests) > 0:
			hit = slices.Contains(f.Requests, int(n))
		case f.Probability > 0:
			hit = s.rng.Float64() < f.Probability
		}
		if hit {
			f.hits++
			c := *f
			return &c
		}
	}
	return nil
}
