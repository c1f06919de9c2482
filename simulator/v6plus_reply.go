package simulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxLimit is the documented v5+ page size cap.
const maxLimit = 10000

// vreq is one v6+ request after routing, with the objects its path names.
type vreq struct {
	s     *Simulator
	t     *tenant
	r     *http.Request
	rt    routed
	q     url.Values
	job   *tjob
	org   *torg
	group *tgroup
	repo  *trepo
	// fault is the fault that spoils this request's page, if any
	// (IgnoreOffset or DuplicateIDs).
	fault FaultKind
}

// replyV6Plus answers a v6+ request in the order v1 does: token, then
// authentication (except the anonymous operations), then the objects the
// path names (404), then any fault, then the normal handler.
func (s *Simulator) replyV6Plus(r *http.Request, rt routed) *reply {
	if rt.endpoint == EndpointToken {
		f := s.pickFault(rt)
		if rep := s.faultReply(f, r, "", rt, nil); rep != nil {
			return rep
		}
		return s.tokenReply(r, true).mangled(f)
	}
	var tok string
	if !anonymous(rt.endpoint) {
		var ok bool
		if tok, ok = s.authorize(r); !ok {
			return unauthorized()
		}
	}
	v := &vreq{s: s, t: s.tenant, r: r, rt: rt, q: r.URL.Query()}
	if rep := v.lookup(); rep != nil {
		return rep
	}
	f := s.pickFault(rt)
	if rep := s.faultReply(f, r, tok, rt, nil); rep != nil {
		return rep
	}
	if f != nil {
		v.fault = f.Kind
	}
	return s.nullStorm(f, rt, v.handle().mangled(f))
}

func (v *vreq) lookup() *reply {
	if rep := v.lookupOps(); rep != nil {
		return rep
	}
	rt := v.rt
	switch rt.endpoint {
	case EndpointJob, EndpointSelectedItems, EndpointExcludedItems:
		if v.job = v.t.findJob(rt.jobID); v.job == nil {
			return messageReply(http.StatusNotFound, fmt.Sprintf("Job with id %s was not found.", rt.jobID))
		}
	case EndpointRepository, EndpointUserData, EndpointSiteData, EndpointTeamData:
		if v.repo = v.t.findRepo(rt.jobID); v.repo == nil {
			return messageReply(http.StatusNotFound, fmt.Sprintf("Backup repository with id %s was not found.", rt.jobID))
		}
	}
	if rt.orgID != "" {
		if v.org = v.t.findOrg(rt.orgID); v.org == nil {
			return messageReply(http.StatusNotFound, fmt.Sprintf("Organization with id %s was not found.", rt.orgID))
		}
	}
	if rt.groupID != "" {
		if v.group = v.t.findGroup(v.org, rt.groupID); v.group == nil {
			return messageReply(http.StatusNotFound, fmt.Sprintf("Group with id %s was not found.", rt.groupID))
		}
	}
	return nil
}

func (v *vreq) handle() *reply {
	if rep, ok := v.handleOps(); ok {
		return rep
	}
	switch v.rt.endpoint {
	case EndpointServiceInstance:
		return v.object(v.serviceInstance)
	case EndpointJobs:
		return v.jobs()
	case EndpointJob:
		return v.object(func(w *jw) { v.renderJob(w, v.job) })
	case EndpointOrganizationJobs:
		return v.orgJobs()
	case EndpointSelectedItems, EndpointExcludedItems:
		return v.items()
	case EndpointOrganizations:
		return v.organizations()
	case EndpointOrganization:
		ext, rep := v.extendedView()
		if rep != nil {
			return rep
		}
		return v.object(func(w *jw) { v.renderOrg(w, v.org, ext) })
	case EndpointUsers:
		return v.users()
	case EndpointGroups:
		return v.groups()
	case EndpointGroupMembers:
		return v.members()
	case EndpointRepositories:
		return v.repositories()
	case EndpointRepository:
		return v.object(func(w *jw) { v.renderRepo(w, v.repo) })
	case EndpointSites:
		return v.orgSites()
	case EndpointTeams:
		return v.orgTeams()
	case EndpointSiteData:
		return v.objectData(wSite)
	case EndpointTeamData:
		return v.objectData(wTeam)
	default:
		return v.userData()
	}
}

// param reads a query parameter by case-insensitive name, as ASP.NET model
// binding does.
func param(q url.Values, name string) (string, bool) {
	for k, vs := range q {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0], true
		}
	}
	return "", false
}

func badValue(name, val string) *reply {
	return messageReply(http.StatusBadRequest, fmt.Sprintf("The value '%s' is not valid for %s.", val, name))
}

// enumParam checks a parameter against its schema enum (case-insensitive,
// as enum binding is) and returns the canonical spelling.
func enumParam(q url.Values, name string, allowed ...string) (string, *reply) {
	val, ok := param(q, name)
	if !ok {
		return "", nil
	}
	for _, a := range allowed {
		if strings.EqualFold(a, val) {
			return a, nil
		}
	}
	return "", badValue(name, val)
}

// boolParam reads an optional boolean; present reports whether it was sent.
func boolParam(q url.Values, name string) (val, present bool, rep *reply) {
	s, ok := param(q, name)
	if !ok {
		return false, false, nil
	}
	switch {
	case strings.EqualFold(s, "true"):
		return true, true, nil
	case strings.EqualFold(s, "false"):
		return false, true, nil
	}
	return false, false, badValue(name, s)
}

// uuidParam reads an optional uuid-typed filter.
func uuidParam(q url.Values, name string) (string, *reply) {
	s, ok := param(q, name)
	if !ok {
		return "", nil
	}
	if !isUUID(s) {
		return "", badValue(name, s)
	}
	return s, nil
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// dataSource validates the v7/v8 parameter; v6 does not have it, so there
// it is ignored like any unknown parameter.
func (v *vreq) dataSource() *reply {
	if v.rt.ver < 7 {
		return nil
	}
	_, rep := enumParam(v.q, "dataSource", "PreferLocal", "Production", "PreferLocalResynced")
	return rep
}

// locationFilter validates the filter; every simulated object is in the
// cloud, so it keeps all or nothing.
func (v *vreq) locationFilter() (keep bool, rep *reply) {
	val, rep := enumParam(v.q, "locationFilter", "Cloud", "OnPremises", "Hybrid", "CloudOrHybrid", "OnPremisesOrHybrid", "Any")
	return rep == nil && (val == "" || val == "Cloud" || val == "CloudOrHybrid" || val == "Any"), rep
}

// extendedView reads the parameter v6 requires on Organizations and v7/v8
// default to false.
func (v *vreq) extendedView() (bool, *reply) {
	ext, present, rep := boolParam(v.q, "extendedView")
	if rep == nil && !present && v.rt.ver == 6 {
		return false, messageReply(http.StatusBadRequest, "The extendedView parameter is required.")
	}
	return ext, rep
}

// window is one page request: offset and the effective limit.
type window struct{ offset, limit int }

// paging reads limit and offset like v1 does, with the documented cap of
// 10,000 and then Options.MaxPageSize applied to limit; both are echoed.
func (v *vreq) paging() (window, *reply) {
	offset, ok := queryInt(v.q, "offset", 0)
	if !ok {
		return window{}, messageReply(http.StatusBadRequest, "The offset parameter must be a non-negative integer.")
	}
	limit, ok := queryInt(v.q, "limit", defaultLimit)
	if !ok || limit == 0 {
		return window{}, messageReply(http.StatusBadRequest, "The limit parameter must be a positive integer.")
	}
	limit = min(limit, maxLimit)
	if m := v.s.opts.MaxPageSize; m > 0 {
		limit = min(limit, m)
	}
	return window{offset, limit}, nil
}

// snapshotPage is the window asked of a paged list read through one
// snapshot (setId) of the object id, and that snapshot's id.
func (v *vreq) snapshotPage(id string) (window, string, *reply) {
	win, rep := v.paging()
	if rep != nil {
		return window{}, "", rep
	}
	setID, rep := v.set(id)
	return win, setID, rep
}

// set returns the setId for a users, groups, members, sites or teams page:
// the one sent, if it was issued for this very list, or a fresh one.
func (v *vreq) set(id string) (string, *reply) {
	key := v.rt.endpoint + "/" + strings.ToLower(id)
	sent, ok := param(v.q, "setId")
	if !ok || sent == "" {
		return v.s.issueSet(key), nil
	}
	if !isUUID(sent) {
		return "", badValue("setId", sent)
	}
	if !v.s.knownSet(sent, key) {
		return "", messageReply(http.StatusBadRequest, fmt.Sprintf("The set with id %s was not found or has expired.", sent))
	}
	return sent, nil
}

// wildcard matches a displayName filter: * and ? as in the v6+
// documentation, case-insensitively.
func wildcard(pattern, s string) bool {
	p, t := strings.ToLower(pattern), strings.ToLower(s)
	var pi, ti, star, mark = 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			pi, mark = star+1, mark+1
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
