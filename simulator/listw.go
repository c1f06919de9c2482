package simulator

import "strings"

// orgSites pages an organization's sites. The simulated sites are all
// top-level cloud sites without subsites, and there are no personal or
// search sites to include: parentId=root lists them all, a site's id
// lists its subsites (none), and locationFilter keeps all or nothing.
func (v *vreq) orgSites() *reply {
	if rep := v.dataSource(); rep != nil {
		return rep
	}
	loc, rep := enumParam(v.q, "locationFilter", "Cloud", "OnPremises", "Any")
	if rep != nil {
		return rep
	}
	for _, b := range []string{"includePersonalSites", "includeSearchSites"} {
		if _, _, rep := boolParam(v.q, b); rep != nil {
			return rep
		}
	}
	win, setID, rep := v.snapshotPage(v.org.id)
	if rep != nil {
		return rep
	}
	parent, _ := param(v.q, "parentId")
	filter, byFilter := param(v.q, "filter")
	var sites []int32
	for x := v.org.slo; x < v.org.shi; x++ {
		s := v.t.sites[x]
		if loc != "OnPremises" && (parent == "" || strings.EqualFold(parent, "root")) &&
			(!byFilter || containsFold(s.name, filter) || containsFold(s.url, filter)) {
			sites = append(sites, x)
		}
	}
	return v.page(list{len(sites), func(w *jw, k int) { v.renderSite(w, "", sites[k], false) }}, win, setID)
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// orgTeams pages an organization's teams, filtered by displayName (with
// wildcards).
func (v *vreq) orgTeams() *reply {
	if rep := v.dataSource(); rep != nil {
		return rep
	}
	win, setID, rep := v.snapshotPage(v.org.id)
	if rep != nil {
		return rep
	}
	display, byDisplay := param(v.q, "displayName")
	var teams []int32
	for x := v.org.tlo; x < v.org.thi; x++ {
		if !byDisplay || wildcard(display, v.t.teams[x].display) {
			teams = append(teams, x)
		}
	}
	return v.page(list{len(teams), func(w *jw, k int) { v.renderTeam(w, "", teams[k]) }}, win, setID)
}

// objectData pages what a repository holds of sites (w = wSite) or teams.
func (v *vreq) objectData(w workload) *reply {
	win, rep := v.paging()
	if rep != nil {
		return rep
	}
	r := v.repo
	l := &r.sites
	if w == wTeam {
		l = &r.teams
	}
	return v.page(list{len(l.data), func(jw *jw, k int) { v.renderObjectData(jw, w, r, l.data[k]) }}, win, "")
}
