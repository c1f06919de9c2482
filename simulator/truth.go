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

// MailboxState is a job's mailbox and backed-up counts at one moment.
type MailboxState struct{ Mailboxes, BackedUp int }

// States returns every state the job's mailboxes have been in, oldest
// first: only the current one, unless MutateBetweenPages changed the job. A
// client reading the job while it changed reports exactly one of them, if
// it reports counts at all: a mutation that comes after the client's last
// read of the job (say, after a page it read ahead past the end) leaves it
// with the state before.
func (s *Simulator) States(jobID string) []MailboxState {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.findJob(jobID)
	if j == nil {
		return nil
	}
	return append(append([]MailboxState(nil), j.past...), MailboxState{j.snapshot().len(), j.backed})
}
