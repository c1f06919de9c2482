package poll

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/protection"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// ServerResult is one complete poll of a server.
type ServerResult struct {
	Server   string
	Up       bool  // the token was obtained and the job list read
	Err      error // why Up is false
	Start    time.Time
	Duration time.Duration
	Jobs     []*JobResult
	// APIVersion is the REST API version the poll used; Service is what
	// /vN/ServiceInstance said (v6 and later), zero when unknown.
	APIVersion vboapi.Version
	Service    vboapi.ServiceInstance
	// LastError is the most recent error of the server itself, from this
	// poll or an earlier one, and LastErrorAt when it happened; for people
	// reading the status page after the problem went away.
	LastError   string
	LastErrorAt time.Time
	// Collectors are the outcomes of the enabled collectors, in
	// Names order; when the server is down, all failed but those
	// its version lacked in the last poll.
	Collectors []*CollectorResult
	// License, Repositories and Proxies are what the license,
	// repositories and proxies collectors read in this poll, typed, for
	// the status page, which never calls the API. Each is nil when its
	// collector is off, was skipped or could not read it (Collectors says
	// which), a list also when the server has none; License is kept when
	// only the organizations' licensing failed. Do not modify them.
	License      *vboapi.License
	Repositories []vboapi.Repository
	Proxies      []vboapi.Proxy
	// OrganizationSync is what the organizations collector read of the
	// organizations' synchronization with the organization cache (v7 and
	// later), in list order: those whose state it could read. Nil on v6,
	// or when the collector is off or could not read the list.
	OrganizationSync []OrganizationSync
	// Restores is what the restores collector (v6 and later) knows of the
	// restore activity; nil when it is off or was skipped.
	Restores *RestoreActivity
	// UnidentifiedJobs counts the jobs the job list gave without an id,
	// which are not in Jobs.
	UnidentifiedJobs int
}

// Collector returns the outcome of the named collector, nil when it is off.
func (r *ServerResult) Collector(name string) *CollectorResult {
	for _, c := range r.Collectors {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// CollectorResult is one collector's part of a poll.
type CollectorResult struct {
	Name string
	// Skipped is true when the server's API version lacks what the
	// collector reads: it then exports nothing, and has not failed.
	Skipped  bool
	Err      error // nil when it succeeded
	Duration time.Duration
	// Metrics are its series, exported after its success and duration.
	Metrics []prometheus.Metric
}

// JobResult is one job's part of a poll.
type JobResult struct {
	ID   string
	Name string      // the configured name, else the API's
	Job  *vboapi.Job // nil when the job was not in the server's job list
	// Success is true when every list the job's figures depend on was
	// read whole; Figures are only meaningful then.
	Success bool
	// Figures are the job's protection, the same on every API version;
	// the unprotected lists are cut to the configured number of series.
	// Figures.Workloads holds those of WorkloadsOn, the server's workloads
	// setting (v6 and later), the mailbox's included.
	Figures     protection.Result
	WorkloadsOn protection.WorkloadSet
	// FiguresAt is when the reading behind Figures started: this poll's
	// start, or with protection_interval that of the refresh they come
	// from; WorkloadsAt the same per workload, whose figures may be kept
	// from an earlier refresh when its site or team list fails.
	FiguresAt   time.Time
	WorkloadsAt [protection.NumWorkloads]time.Time
	Duration    time.Duration
	Err         error
	// LastError and LastErrorAt carry the job's most recent error forward
	// across polls, as for the server.
	LastError   string
	LastErrorAt time.Time
}

// OrganizationSync is an organization's synchronization state as the
// organizations collector read it (v7 and later), for the status page.
type OrganizationSync struct {
	ID, Name string
	State    vboapi.OrganizationSyncState
}

// RestoreActivity is the restores collector's account of a server, for
// the status page.
type RestoreActivity struct {
	// Sessions are the last restore sessions the counters took in (those
	// that ended since the exporter started), at most
	// RecentRestoreSessions, the latest ended first. A failed poll leaves
	// those of the last poll that read everything.
	Sessions []RestoreSessionSummary
	// PortalEnabled is the Restore Portal's state, nil when this poll
	// could not read it.
	PortalEnabled *bool
}

// RecentRestoreSessions is how many finished restore sessions
// RestoreActivity keeps.
const RecentRestoreSessions = 10

// RestoreSessionSummary is a finished restore session with the items its
// events saved, exported, sent, restored or viewed (those other than None)
// and their bytes.
type RestoreSessionSummary struct {
	vboapi.RestoreSession
	Items int
	Bytes int64
}

// carryErrors records this poll's errors and keeps earlier ones where this
// poll had none.
func (r *ServerResult) carryErrors(prev *ServerResult) {
	if r.Err != nil {
		r.LastError, r.LastErrorAt = r.Err.Error(), r.Start
	} else if prev != nil {
		r.LastError, r.LastErrorAt = prev.LastError, prev.LastErrorAt
	}
	earlier := map[string]*JobResult{}
	if prev != nil {
		for _, j := range prev.Jobs {
			earlier[j.ID] = j
		}
	}
	for _, j := range r.Jobs {
		if j.Err != nil {
			j.LastError, j.LastErrorAt = j.Err.Error(), r.Start
		} else if old, ok := earlier[j.ID]; ok {
			j.LastError, j.LastErrorAt = old.LastError, old.LastErrorAt
		}
	}
}

// setFigures gives j the figures f, with at most keepMailboxes mailboxes
// and keepObjects objects of each other workload listed as not backed up.
// The mailbox's workload figures repeat the mailbox figures, which are
// always computed.
func (j *JobResult) setFigures(f *figures, keepMailboxes, keepObjects int) {
	j.Duration, j.FiguresAt = f.took, f.at
	j.Figures = f.Result
	j.Figures.NotBackedUp = f.NotBackedUp[:min(len(f.NotBackedUp), keepMailboxes)]
	for w := range protection.Workload(protection.NumWorkloads) {
		wf := &j.Figures.Workloads[w]
		switch {
		case !j.WorkloadsOn.Has(w):
			*wf = protection.WorkloadResult{}
			continue
		case w == protection.WorkloadMailbox:
			*wf = protection.WorkloadResult{InScope: f.Mailboxes, BackedUp: f.BackedUp, Unresolved: f.Unresolved,
				OldestBackup: f.OldestBackup, NotBackedUp: j.Figures.NotBackedUp}
		default:
			wf.NotBackedUp = wf.NotBackedUp[:min(len(wf.NotBackedUp), keepObjects)]
		}
		j.WorkloadsAt[w] = f.workloadAt(w)
	}
}
