package simulator

import "time"

// WorkloadCases names organization 0's workload edge cases (with
// TenantOptions.Workloads), so tests can assert each one without
// searching. Jobs, users, groups, sites and teams by id; GroupSiteURL as
// the group gives it. A field is empty when the tenant is too small for
// the case (say one repository).
type WorkloadCases struct {
	// SitesJob selects four sites and two teams. TeamSitesJob selects
	// TwoJobSite and TwoJobTeam too, on another repository, which holds
	// neither; a third team, UnknownTimeTeam, backed up without a time;
	// and the site of GroupSiteGroup, which the group names by URL alone.
	SitesJob, TeamSitesJob       string
	TwoJobSite, TwoJobTeam       string
	GroupSiteGroup, GroupSiteURL string
	UnknownTimeTeam              string
	// LongAgoSite, in SitesJob's scope, was backed up three years ago.
	LongAgoSite string
	// ExcludedSite and ExcludedTeam are excluded by the
	// entire-organization job, whose repository holds a backup of both.
	ExcludedSite, ExcludedTeam string
	// UsersJob selects users' archives, OneDrives and personal sites but
	// not their mailboxes. NoArchiveUser has no archive: the wire says it
	// is not backed up. PublicUser is a public folder mailbox, whose
	// OneDrive and personal site do not count.
	UsersJob, NoArchiveUser, PublicUser string
	// GroupJob is the first group job: its members' archives and personal
	// sites and its group's own site are selected too.
	GroupJob string
}

// WorkloadCases returns where the workload edge cases are; the zero value
// without TenantOptions.Workloads or v6+ prefix.
func (s *Simulator) WorkloadCases() WorkloadCases {
	if s.tenant == nil {
		return WorkloadCases{}
	}
	return s.tenant.wcases
}

// workloadCases fixes what the repositories hold of organization 0's
// workload edge cases, and records them.
func (g *generator) workloadCases(wj workloadJobs) {
	t, wc := g.t, &g.t.wcases
	o := t.orgs[0]
	plain, tm := t.plainSites(o), o.tlo
	recent, longAgo := g.o.Now.Add(-2*time.Hour).Unix(), g.o.Now.AddDate(-3, 0, 0).Unix()
	r1, r2 := t.repos[wj.sites.repo], t.repos[wj.teamSites.repo]
	wc.SitesJob, wc.TeamSitesJob, wc.UsersJob = wj.sites.id, wj.teamSites.id, wj.users.id
	if r1 != r2 {
		r1.sites.put(objData{obj: plain[1], at: recent})
		r2.sites.drop(plain[1])
		r1.teams.put(objData{obj: tm + 1, at: recent})
		r2.teams.drop(tm + 1)
		wc.TwoJobSite, wc.TwoJobTeam = t.sites[plain[1]].id, t.teams[tm+1].id
	}
	r1.sites.put(objData{obj: plain[0], at: longAgo})
	wc.LongAgoSite = t.sites[plain[0]].id
	r2.teams.put(objData{obj: tm + 2})
	wc.UnknownTimeTeam = t.teams[tm+2].id
	if grp := t.groups[o.glo+gChain1]; grp.site != 0 {
		r2.sites.put(objData{obj: grp.site - 1, at: recent})
		wc.GroupSiteGroup, wc.GroupSiteURL = grp.id, groupSiteURL(t.sites[grp.site-1].url)
	}
	for _, j := range t.jobs {
		if j.org == 0 && j.entireOrg {
			t.repos[j.repo].sites.put(objData{obj: plain[4], at: recent})
			t.repos[j.repo].teams.put(objData{obj: tm + 3, at: recent})
			wc.ExcludedSite, wc.ExcludedTeam = t.sites[plain[4]].id, t.teams[tm+3].id
		}
	}
	if wj.noArchive >= 0 {
		wc.NoArchiveUser = g.s.userID(wj.noArchive)
	}
	if wj.public >= 0 {
		wc.PublicUser = g.s.userID(wj.public)
	}
	if wj.group != nil {
		wc.GroupJob = wj.group.id
	}
}

// groupSiteURL is a group's site as RESTGroup.site gives it: lower-cased,
// with a trailing slash, where the site list has the URL as it is.
func groupSiteURL(url string) string { return toLowerASCII(url) + "/" }

func toLowerASCII(s string) string {
	b := []byte(s)
	lowerASCII(b)
	return string(b)
}

// drop removes an object's entry.
func (l *objList) drop(obj int32) {
	i, ok := l.byObj[obj]
	if !ok {
		return
	}
	l.data = append(l.data[:i], l.data[i+1:]...)
	delete(l.byObj, obj)
	for k := i; k < len(l.data); k++ {
		l.byObj[l.data[k].obj] = k
	}
}
