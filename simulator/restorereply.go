package simulator

import (
	"fmt"
	"net/http"
	"time"
)

// handleRestores serves the restore session, Restore Portal and RBAC
// endpoints; ok is false for the others.
func (v *vreq) handleRestores() (rep *reply, ok bool) {
	d := v.s.restores
	switch v.rt.endpoint {
	case EndpointRestorePortalSettings:
		return v.object(func(w *jw) { v.restorePortal(w, d.portalEnabled()) }), true
	case EndpointRestoreSessions:
		return v.restoreSessions(), true
	case EndpointRestoreSession:
		r, found := d.find(v.rt.jobID)
		if !found {
			return restoreNotFound(v.rt.jobID), true
		}
		return v.object(func(w *jw) { v.renderRestore(w, &r) }), true
	case EndpointRestoreSessionEvents:
		r, found := d.find(v.rt.jobID)
		if !found {
			return restoreNotFound(v.rt.jobID), true
		}
		win, rep := v.paging()
		if rep != nil {
			return rep, true
		}
		return v.page(list{len(r.events), func(w *jw, k int) { v.renderRestoreEvent(w, &r, k) }}, win, ""), true
	case EndpointRbacRoles:
		return v.array(list{len(d.roles), func(w *jw, k int) { v.renderRole(w, d.roles[k]) }}), true
	case EndpointRbacRoleOperators:
		ro := d.findRole(v.rt.jobID)
		if ro == nil {
			return messageReply(http.StatusNotFound, fmt.Sprintf("Role with id %s was not found.", v.rt.jobID)), true
		}
		return v.array(list{len(ro.users) + len(ro.groups), func(w *jw, k int) { v.renderOperator(w, ro, k) }}), true
	}
	return nil, false
}

func restoreNotFound(id string) *reply {
	return messageReply(http.StatusNotFound, fmt.Sprintf("Restore session with id %s was not found.", id))
}

// restoreFilter is what GET /vN/RestoreSessions selects by: bounds on the
// creation time (every version) and the end time (v8), all inclusive; a
// session that has not ended has no end time to match.
type restoreFilter struct {
	startFrom, startTo, endFrom, endTo time.Time
}

func (f *restoreFilter) keeps(r *trestore) bool {
	in := func(t, from, to time.Time) bool {
		return (from.IsZero() || !t.Before(from)) && (to.IsZero() || !t.After(to))
	}
	if !in(r.created, f.startFrom, f.startTo) {
		return false
	}
	if f.endFrom.IsZero() && f.endTo.IsZero() {
		return true
	}
	return !r.ended.IsZero() && in(r.ended, f.endFrom, f.endTo)
}

// restoreSessions pages the sessions newest first, or as v8's orderBy
// and orderAsc say.
func (v *vreq) restoreSessions() *reply {
	var f restoreFilter
	params := []struct {
		name string
		t    *time.Time
		ver  int
	}{{"startTimeFrom", &f.startFrom, 6}, {"startTimeTo", &f.startTo, 6}, {"endTimeFrom", &f.endFrom, 8}, {"endTimeTo", &f.endTo, 8}}
	for _, p := range params {
		if v.rt.ver < p.ver {
			continue
		}
		var rep *reply
		if *p.t, rep = timeParam(v.q, p.name); rep != nil {
			return rep
		}
	}
	asc, byEnd := false, false
	if v.rt.ver >= 8 {
		var rep *reply
		if asc, _, rep = boolParam(v.q, "orderAsc"); rep != nil {
			return rep
		}
		by, rep := enumParam(v.q, "orderBy", "CreationTime", "EndTime")
		if rep != nil {
			return rep
		}
		byEnd = by == "EndTime"
	}
	win, rep := v.paging()
	if rep != nil {
		return rep
	}
	sessions := v.s.restores.snapshot(f.keeps, asc, byEnd)
	return v.page(list{len(sessions), func(w *jw, k int) { v.renderRestore(w, &sessions[k]) }}, win, "")
}

func (v *vreq) restorePortal(w *jw, enabled bool) {
	w.open("")
	w.str("applicationId", zeroGUID)
	w.str("msalAuthorityUri", "https://login.microsoftonline.com/organizations")
	if v.rt.ver >= 7 {
		w.str("restorePortalUri", "")
	}
	w.boolean("isEnabled", enabled)
	w.close()
}

// renderRestore writes a RESTRestoreSession; a working session's result
// is the enum's first value, as .NET sends an unset one.
func (v *vreq) renderRestore(w *jw, r *trestore) {
	w.open("")
	w.str("id", r.id)
	w.str("name", r.name)
	w.str("organization", r.org)
	w.str("type", r.kind)
	w.tm("creationTime", r.created)
	w.tm("endTime", r.ended)
	w.str("state", r.state)
	w.str("result", r.result)
	w.str("initiatedBy", r.initiatedBy)
	w.str("details", "")
	if r.scope != "" {
		w.str("scopeName", r.scope)
	}
	w.str("clientHost", "vbo365.corp.example")
	w.str("reason", "")
	if v.rt.ver >= 8 {
		w.num("eTag", r.eTag)
	}
	w.open("_links")
	w.link("self", v.prefix()+"/RestoreSessions/"+r.id)
	w.link("events", v.prefix()+"/RestoreSessions/"+r.id+"/Events")
	w.close()
	w.close()
}

func (v *vreq) renderRestoreEvent(w *jw, r *trestore, k int) {
	e := &r.events[k]
	w.open("")
	if e.kind != "None" {
		w.str("itemName", e.itemName)
		w.str("itemType", e.itemType)
		w.num("itemSizeBytes", e.size)
	}
	w.str("id", e.id)
	w.str("type", e.kind)
	w.str("status", e.status)
	w.tm("startTime", e.start)
	w.tm("endTime", e.start.Add(time.Second))
	w.str("duration", "00:00:01")
	title := "Restore session started"
	if e.kind != "None" {
		title = e.kind + " " + e.itemName
	}
	w.str("title", title)
	w.str("message", title)
	w.num("order", int64(k))
	if v.rt.ver >= 8 {
		w.str("organizationId", r.orgID)
	}
	w.close()
}

func (v *vreq) renderRole(w *jw, ro *trole) {
	w.open("")
	w.str("id", ro.id)
	w.str("organizationId", ro.orgID)
	w.str("name", ro.name)
	w.str("description", ro.description)
	w.str("roleType", ro.kind)
	w.open("_links")
	w.link("self", v.prefix()+"/RbacRoles/"+ro.id)
	w.close()
	w.close()
}

// renderOperator writes operator k of the role: its users, then its
// groups, as RESTRbacItemComposed (v6, v7) or RESTRbacOperator (v8).
func (v *vreq) renderOperator(w *jw, ro *trole, k int) {
	w.open("")
	if k < len(ro.users) {
		u := ro.users[k]
		w.str("type", "User")
		w.open("user")
		id := v.s.userID(u)
		w.str("id", id)
		w.strFunc("displayName", func(b []byte) []byte { return v.t.appendDisplay(b, v.t.users[u]) })
		w.strFunc("name", func(b []byte) []byte { return v.t.appendName(b, v.t.users[u]) })
		w.str("type", "User")
		w.close()
		w.str("id", id)
	} else {
		g := v.t.groups[ro.groups[k-len(ro.users)]]
		w.str("type", "Group")
		w.open("group")
		w.str("id", g.id)
		w.str("displayName", g.display)
		w.str("name", g.name)
		w.str("type", g.typ)
		w.close()
		w.str("id", g.id)
	}
	w.close()
}
