package simulator

import "time"

// JobTruth is what a correct client should report for one job.
type JobTruth struct {
	ID, Name, OrganizationID string
	// Mailboxes is the number of SelectedMailboxes entries, BackedUp the
	// number a correct client counts as backed up.
	Mailboxes, BackedUp int
	Enabled             bool
	LastStatus          string
	// LastRun and NextRun are zero when the job never ran or has no next
	// run; the wire then carries null.
	LastRun, NextRun time.Time
	AllMailboxes     bool
}

// Truth returns the ground truth per job, in the order GET /v1/Jobs lists
// them. Counts come from the same derivation that renders the wire, and
// reflect MutateBetweenPages changes made so far. OddBooleans does not
// change them: it only varies how each mailbox's real state is spelled, and
// a correct client counts exactly the JSON true and case-insensitive "true"
// values (under isBackedUp or isBackedup), which are the backed-up ones.
func (s *Simulator) Truth() []JobTruth {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]JobTruth, len(s.jobs))
	for i, j := range s.jobs {
		out[i] = JobTruth{
			ID: j.id, Name: j.name, OrganizationID: j.orgID,
			Mailboxes: j.snapshot().len(), BackedUp: j.backed,
			Enabled: j.enabled, LastStatus: j.lastStatus,
			LastRun: j.lastRun, NextRun: j.nextRun,
			AllMailboxes: j.allMailboxes,
		}
	}
	return out
}
