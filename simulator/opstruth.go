package simulator

import "time"

// SessionTruth is one job session as every version serves it.
type SessionTruth struct {
	ID, JobID     string // JobID: the copy job for copy sessions
	JobType       string // Backup or Copy
	Status        string
	RepositoryID  string
	MainSessionID string // the failed session a retry belongs to, else ""
	Created       time.Time
	Ended         time.Time // zero while running or queued
	// Progress counts the objects processed; Warned and Failed those of
	// them ProcessedObjects reports so.
	Progress, Warned, Failed int
	TransferredBytes         int64
	ProcessedItems           int64
	// Rates are the averages served for a finished session; zero for one
	// under way, whose rates depend on the time of the request.
	Rates SessionRates
}

// SessionRates are a session's average rates per second, as its statistics
// serve them.
type SessionRates struct {
	ProcessingBytes, ProcessingItems, ReadBytes, WriteBytes int64
}

// rates are the session's averages over secs.
func (s *tsession) rates(secs float64) SessionRates {
	rate := func(n int64) int64 {
		if secs < 1 {
			return 0
		}
		return int64(float64(n) / secs)
	}
	return SessionRates{
		ProcessingBytes: rate(s.bytes), ProcessingItems: rate(s.items),
		ReadBytes: rate(s.bytes * 5 / 4), WriteBytes: rate(s.bytes * 3 / 5),
	}
}

// OpsTruth is what the operations resources serve, for tests to compare a
// client's reading with.
type OpsTruth struct {
	// Sessions are every session, newest first: the order of
	// GET /vN/JobSessions.
	Sessions []SessionTruth
	// LicensedUsers is per organization id; LicenseUsed their sum.
	LicensedUsers             map[string]int
	LicenseUsed, LicenseTotal int
	LicenseExpires            time.Time
	LicenseStatus             string
	ArchiveRepositories       []string // in list order
	CopyJobs                  []string
	NearFullRepository        string // "" unless OpsOptions.NearFullRepository
	ImmutableRepository       string // the first archive repository, if any
	OfflineProxy              string // "" unless OpsOptions.OfflineProxy
	Healthy                   bool
	// NATSStatus is the status of the v8 health report's NATS entry.
	NATSStatus string
}

// OpsTruth returns the operations data; the zero value when no v6+ prefix
// is served.
func (s *Simulator) OpsTruth() OpsTruth {
	o, t := s.ops, s.tenant
	if o == nil {
		return OpsTruth{}
	}
	out := OpsTruth{
		LicensedUsers:  map[string]int{},
		LicenseUsed:    o.license.used,
		LicenseTotal:   o.license.total,
		LicenseExpires: o.license.expires,
		LicenseStatus:  o.license.status(t.opts.Now),
		Healthy:        !o.opts.Unhealthy,
		NATSStatus:     o.natsStatus(),
	}
	for _, org := range t.orgs {
		out.LicensedUsers[org.id] = o.licensed[org.index]
	}
	for _, ss := range o.sessions {
		out.Sessions = append(out.Sessions, ss.truth())
	}
	for _, r := range t.repos {
		if o.archiveOf(r) != nil {
			out.ArchiveRepositories = append(out.ArchiveRepositories, r.id)
		}
	}
	if len(out.ArchiveRepositories) > 0 {
		out.ImmutableRepository = out.ArchiveRepositories[0]
	}
	for _, c := range o.copies {
		out.CopyJobs = append(out.CopyJobs, c.id)
	}
	if o.opts.NearFullRepository {
		out.NearFullRepository = t.repos[0].id
	}
	for _, p := range o.proxies {
		if !p.online {
			out.OfflineProxy = p.id
		}
	}
	return out
}

func (s *tsession) truth() SessionTruth {
	st := SessionTruth{
		ID: s.id, JobID: s.jobID(), JobType: pick(s.copy != nil, "Copy", "Backup"), Status: s.status,
		RepositoryID: s.repoID, Created: s.created, Ended: s.ended,
		Progress: s.objects, Warned: s.warned, Failed: s.failed,
		TransferredBytes: s.bytes, ProcessedItems: s.items,
	}
	if !s.ended.IsZero() {
		st.Rates = s.rates(s.seconds(s.ended))
	}
	if s.retryOf != nil {
		st.MainSessionID = s.retryOf.id
	}
	return st
}
