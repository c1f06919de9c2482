package simulator

import "time"

// SyncOptions shapes the organizations' synchronization with the
// organization cache, served on v7 and v8 (GET /vN/Organizations/{id}/SyncState,
// and GET /v8/Organizations/SyncState for all). By default every
// organization's last synchronization succeeded a few minutes before
// TenantOptions.Now and none is under way. The sets name organizations
// by index (OrgsOf); the struct stays comparable, like OpsOptions.
type SyncOptions struct {
	// Failed organizations' last synchronization ended with Error and
	// the message Error.
	Failed OrgSet
	// Error is the failed synchronizations' message (default: a
	// permissions failure of Microsoft Graph).
	Error string
	// Never-synced organizations have no finished synchronization: v7
	// answers status None, v8 lastSyncState null.
	Never OrgSet
	// Running and Queued organizations have a synchronization under way
	// (v8 currentSyncState; v7 cannot say so and shows only the last one).
	// Running wins over Queued.
	Running, Queued OrgSet
}

// OrgSet is a set of organization indices, from 0 in list order, below
// 64; organizations beyond are never in it.
type OrgSet uint64

// OrgsOf is the set of the given organization indices; those outside 0
// to 63 are left out.
func OrgsOf(indices ...int) OrgSet {
	var s OrgSet
	for _, i := range indices {
		if i >= 0 && i < 64 {
			s |= 1 << i
		}
	}
	return s
}

// Has reports whether organization i is in the set.
func (s OrgSet) Has(i int) bool { return i >= 0 && i < 64 && s&(1<<i) != 0 }

// DefaultSyncError is the message of a failed synchronization unless
// SyncOptions.Error says otherwise.
const DefaultSyncError = "Organization synchronization failed: access to Microsoft Graph was denied (insufficient privileges)."

// SyncTruth is an organization's synchronization state as the simulator
// serves it.
type SyncTruth struct {
	OrganizationID, OrganizationName string
	// Finished is false when no synchronization has finished; the last
	// one's fields are then empty.
	Finished bool
	Type     string // Incremental or Full
	Result   string // Success or Error
	// End is v7's lastSyncTime and v8's endTime; Start is v8 only.
	Start, End time.Time
	Error      string
	// Current is Queued or Running while a synchronization is under way
	// (served on v8 only), else empty.
	Current              string
	CurrentType          string
	Scheduled, CurrentAt time.Time // CurrentAt: its start, zero while queued
}

// SyncTruth returns every organization's synchronization state in list
// order; nil when no v6+ prefix is served.
func (s *Simulator) SyncTruth() []SyncTruth {
	if s.tenant == nil {
		return nil
	}
	out := make([]SyncTruth, 0, len(s.tenant.orgs))
	for _, org := range s.tenant.orgs {
		out = append(out, s.syncOf(org))
	}
	return out
}

// syncOf derives an organization's state from the seed and the options:
// the last synchronization ended 5 to 54 minutes before Now and took 20
// seconds to 10 minutes; one organization in five had a full one.
func (s *Simulator) syncOf(org *torg) SyncTruth {
	o, now := s.opts.Tenant.Ops.Sync, s.opts.Tenant.Now
	r := s.seeded(0x5ca1ab1e<<32 | uint64(org.index))
	st := SyncTruth{OrganizationID: org.id, OrganizationName: org.domain}
	if !o.Never.Has(org.index) {
		st.Finished, st.Type, st.Result = true, pick(r%5 == 0, "Full", "Incremental"), "Success"
		st.End = now.Add(-time.Duration(5+r>>8%50) * time.Minute)
		st.Start = st.End.Add(-time.Duration(20+r>>16%580) * time.Second)
		if o.Failed.Has(org.index) {
			st.Result, st.Error = "Error", o.Error
			if st.Error == "" {
				st.Error = DefaultSyncError
			}
		}
	}
	switch {
	case o.Running.Has(org.index):
		st.Current, st.Scheduled, st.CurrentAt = "Running", now.Add(-2*time.Minute), now.Add(-time.Minute)
	case o.Queued.Has(org.index):
		st.Current, st.Scheduled = "Queued", now.Add(-time.Minute)
	}
	if st.Current != "" {
		st.CurrentType = pick(st.Finished, "Incremental", "Full")
	}
	return st
}

// syncState serves GET /vN/Organizations/{id}/SyncState (v7, v8).
func (v *vreq) syncState() *reply {
	return v.object(func(w *jw) { v.renderSync(w, v.s.syncOf(v.org)) })
}

// syncStates serves GET /v8/Organizations/SyncState: a plain array of
// every organization's state, which the schema declares without paging.
func (v *vreq) syncStates() *reply {
	return v.object(func(w *jw) {
		w.openA("")
		for _, org := range v.t.orgs {
			v.renderSync(w, v.s.syncOf(org))
		}
		w.closeA()
	})
}

// renderSync writes a RESTOrganizationSyncState of the request's version.
func (v *vreq) renderSync(w *jw, st SyncTruth) {
	w.open("")
	if v.rt.ver < 8 {
		if st.Finished {
			w.str("type", st.Type)
			w.str("status", st.Result)
		} else {
			w.null("type")
			w.str("status", "None")
		}
		w.tm("lastSyncTime", st.End)
		if st.Error != "" {
			w.str("error", st.Error)
		} else {
			w.null("error")
		}
	} else {
		w.str("organizationId", st.OrganizationID)
		v.renderLastSync(w, st)
		if st.Current != "" {
			w.open("currentSyncState")
			w.str("type", st.CurrentType)
			w.tm("scheduledTime", st.Scheduled)
			w.tm("startTime", st.CurrentAt)
			w.str("status", st.Current)
			w.close()
		}
	}
	w.open("_links")
	w.link("self", v.prefix()+"/Organizations/"+st.OrganizationID+"/SyncState")
	w.link("organization", v.prefix()+"/Organizations/"+st.OrganizationID)
	w.close()
	w.close()
}

// renderLastSync writes v8's lastSyncState, null when none has finished.
func (v *vreq) renderLastSync(w *jw, st SyncTruth) {
	if !st.Finished {
		w.null("lastSyncState")
		return
	}
	w.open("lastSyncState")
	w.str("type", st.Type)
	w.str("result", st.Result)
	w.tm("startTime", st.Start)
	w.tm("endTime", st.End)
	if st.Error != "" {
		w.str("error", st.Error)
	} else {
		w.null("error")
	}
	w.close()
}
