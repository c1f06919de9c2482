package simulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// lookupOps answers 404 when an operations path names an object that does
// not exist; the handlers look the object up again.
func (v *vreq) lookupOps() *reply {
	o, id := v.s.ops, v.rt.jobID
	missing := ""
	switch v.rt.endpoint {
	case EndpointJobSessionsByJob:
		if v.job = v.t.findJob(id); v.job == nil {
			missing = "Job"
		}
	case EndpointJobSession, EndpointProcessedObjects:
		if o.findSession(id) == nil {
			missing = "Job session"
		}
	case EndpointCopyJob:
		if o.findCopy(id) == nil {
			missing = "Backup copy job"
		}
	case EndpointProxy:
		if o.findProxy(id) == nil {
			missing = "Backup proxy"
		}
	case EndpointObjectStorage:
		if r, _ := o.findStorage(v.t, id); r == nil {
			missing = "Object storage"
		}
	}
	if missing != "" {
		return messageReply(http.StatusNotFound, fmt.Sprintf("%s with id %s was not found.", missing, id))
	}
	return nil
}

// handleOps serves the operations endpoints; ok is false for the others.
func (v *vreq) handleOps() (rep *reply, ok bool) {
	if rep, ok := v.handleRestores(); ok {
		return rep, true
	}
	o, id := v.s.ops, v.rt.jobID
	switch v.rt.endpoint {
	case EndpointHealth:
		return v.object(v.health), true
	case EndpointLicense:
		return v.object(v.renderLicense), true
	case EndpointLicensingInformation:
		return v.object(v.renderLicensing), true
	case EndpointJobSessions:
		return v.jobSessions(), true
	case EndpointJobSessionsByJob:
		return v.sessionPage(o.byJob[v.job.index]), true
	case EndpointJobSession:
		return v.object(func(w *jw) { v.renderSession(w, o.findSession(id)) }), true
	case EndpointProcessedObjects:
		return v.processedObjects(o.findSession(id)), true
	case EndpointCopyJobs:
		return v.copyJobs(), true
	case EndpointCopyJob:
		return v.object(func(w *jw) { v.renderCopyJob(w, o.findCopy(id)) }), true
	case EndpointProxies, EndpointProxy:
		return v.proxies(), true
	case EndpointObjectStorages, EndpointObjectStorage:
		return v.objectStorages(), true
	case EndpointOrganizationSyncState:
		return v.syncState(), true
	case EndpointOrganizationsSyncState:
		return v.syncStates(), true
	}
	return nil, false
}

// sessionFilter is what a GET /vN/JobSessions request selects by.
type sessionFilter struct {
	jobType, jobID, status string
	lower, upper           time.Time
}

// The bounds are described as bounds on the creation time (S7/S8), which
// is what the simulator filters on; lower is inclusive, upper exclusive.
func (f *sessionFilter) keeps(s *tsession) bool {
	return (f.jobType == "" || f.jobType == pick(s.copy != nil, "Copy", "Backup")) &&
		(f.jobID == "" || strings.EqualFold(f.jobID, s.jobID())) &&
		(f.status == "" || f.status == s.status) &&
		(f.lower.IsZero() || !s.created.Before(f.lower)) &&
		(f.upper.IsZero() || s.created.Before(f.upper))
}

// sessionQuery reads the filters the version's schema declares; the
// others are ignored, as the server ignores unknown parameters.
func (v *vreq) sessionQuery() (f sessionFilter, rep *reply) {
	if f.jobType, rep = enumParam(v.q, "jobType", "Backup", "Copy"); rep != nil {
		return f, rep
	}
	if f.lower, rep = timeParam(v.q, "endTimeLowerBound"); rep != nil || v.rt.ver < 7 {
		return f, rep
	}
	if f.upper, rep = timeParam(v.q, "endTimeUpperBound"); rep != nil {
		return f, rep
	}
	if f.jobID, rep = uuidParam(v.q, "jobId"); rep != nil || v.rt.ver < 8 {
		return f, rep
	}
	f.status, rep = enumParam(v.q, "status", "Stopped", "Running", "Succeeded", "Failed", "Warning")
	if f.status == "Succeeded" { // the filter's spelling of the Success status
		f.status = "Success"
	}
	return f, rep
}

// timeParam reads an optional date-time the way .NET binds one: RFC 3339,
// or without a zone, which it takes as UTC here.
func timeParam(q url.Values, name string) (time.Time, *reply) {
	s, ok := param(q, name)
	if !ok {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, badValue(name, s)
}

func (v *vreq) jobSessions() *reply {
	f, rep := v.sessionQuery()
	if rep != nil {
		return rep
	}
	var sessions []*tsession
	for _, s := range v.s.ops.sessions {
		if f.keeps(s) {
			sessions = append(sessions, s)
		}
	}
	return v.sessionPage(sessions)
}

func (v *vreq) sessionPage(sessions []*tsession) *reply {
	win, rep := v.paging()
	if rep != nil {
		return rep
	}
	return v.page(list{len(sessions), func(w *jw, k int) { v.renderSession(w, sessions[k]) }}, win, "")
}

// processedObjects pages the users a session processed, in user order.
func (v *vreq) processedObjects(s *tsession) *reply {
	win, rep := v.paging()
	if rep != nil {
		return rep
	}
	users := make([]int32, 0, s.objects)
	s.job.scope.users.each(func(u int32) {
		if len(users) < s.objects {
			users = append(users, u)
		}
	})
	return v.page(list{len(users), func(w *jw, k int) { v.renderObject(w, s, k, users[k]) }}, win, "")
}

// copyJobs filters by repository and, on v8, organization.
func (v *vreq) copyJobs() *reply {
	repoF, rep := uuidParam(v.q, "repositoryId")
	if rep != nil {
		return rep
	}
	var orgF string
	if v.rt.ver >= 8 {
		if orgF, rep = uuidParam(v.q, "organizationId"); rep != nil {
			return rep
		}
	}
	var copies []*tcopy
	for _, c := range v.s.ops.copies {
		if (repoF == "" || strings.EqualFold(repoF, c.repo.id)) &&
			(orgF == "" || strings.EqualFold(orgF, v.t.orgs[c.source.org].id)) {
			copies = append(copies, c)
		}
	}
	return v.listed(list{len(copies), func(w *jw, k int) { v.renderCopyJob(w, copies[k]) }})
}

// proxies serves the list and single proxies. extendedView defaults to
// true on v6 and false on v7; v8 has no such parameter.
func (v *vreq) proxies() *reply {
	extended := v.rt.ver == 6
	if v.rt.ver <= 7 {
		ext, present, rep := boolParam(v.q, "extendedView")
		if rep != nil {
			return rep
		}
		if present {
			extended = ext
		}
	}
	if v.rt.endpoint == EndpointProxy {
		p := v.s.ops.findProxy(v.rt.jobID)
		return v.object(func(w *jw) { v.renderProxy(w, p, extended) })
	}
	ps := v.s.ops.proxies
	return v.listed(list{len(ps), func(w *jw, k int) { v.renderProxy(w, ps[k], extended) }})
}

// objectStorages serves v6/v7's object storage list and entries; every
// simulated one is archive tier, so longTerm keeps them all.
func (v *vreq) objectStorages() *reply {
	if _, _, rep := boolParam(v.q, "longTerm"); rep != nil {
		return rep
	}
	if v.rt.endpoint == EndpointObjectStorage {
		_, a := v.s.ops.findStorage(v.t, v.rt.jobID)
		return v.object(func(w *jw) { v.renderStorage(w, "", a) })
	}
	var archives []*tarchive
	for _, r := range v.t.repos {
		if a := v.s.ops.archiveOf(r); a != nil {
			archives = append(archives, a)
		}
	}
	return v.array(list{len(archives), func(w *jw, k int) { v.renderStorage(w, "", archives[k]) }})
}
