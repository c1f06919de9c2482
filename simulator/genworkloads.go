package simulator

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// The least numbers of plain sites and of teams an organization gets with
// Workloads: the edge cases use that many.
const (
	minPlainSites = 6
	minTeams      = 4
)

// addWorkloads builds, with TenantOptions.Workloads, the organizations'
// sites and teams, the jobs and items that select them and the users'
// other workloads, and what the repositories hold of them. It draws from a
// random source of its own, after everything else, so the rest of the
// tenant is the same with it or without.
func (g *generator) addWorkloads() {
	w := *g
	w.rng = rand.New(rand.NewPCG(uint64(g.s.opts.Seed), 0x51735ea5))
	for _, o := range w.t.orgs {
		w.addSites(o)
		w.addTeams(o)
	}
	var first workloadJobs
	for _, o := range w.t.orgs {
		if wj := w.addWorkloadJobs(o); o.index == 0 {
			first = wj
		}
	}
	w.fillWorkloadData()
	w.workloadCases(first)
}

// workloadJobs are one organization's three workload jobs, its first group
// job (nil without group jobs), and two users of the users job.
type workloadJobs struct {
	sites, teamSites, users, group *tjob
	noArchive, public              int32 // users of the users job, or -1
}

// addSites gives each Microsoft 365 group of the organization its site,
// then adds plain sites, one of them not available for backup.
func (g *generator) addSites(o *torg) {
	t := g.t
	o.slo = int32(len(t.sites))
	for gi := o.glo; gi < o.ghi; gi++ {
		grp := t.groups[gi]
		if grp.typ != "Office365" {
			continue
		}
		t.sites = append(t.sites, tsite{org: int32(o.index), name: grp.display, url: siteURL(o, grp.display), group: gi})
		grp.site = int32(len(t.sites))
	}
	plain := max(g.o.Sites-len(t.sites)+int(o.slo), minPlainSites)
	for k := 0; k < plain; k++ {
		name := siteNames[k%len(siteNames)]
		if k >= len(siteNames) {
			name += fmt.Sprintf(" %d", k/len(siteNames)+1)
		}
		t.sites = append(t.sites, tsite{org: int32(o.index), name: name, url: siteURL(o, name), group: -1, unavailable: k == 5})
	}
	o.shi = int32(len(t.sites))
	for x := o.slo; x < o.shi; x++ {
		t.sites[x].id = g.s.tenantID(tkSite | uint64(x))
	}
}

func (g *generator) addTeams(o *torg) {
	t := g.t
	o.tlo = int32(len(t.teams))
	for k := 0; k < max(g.o.Teams, minTeams); k++ {
		name := teamNames[k%len(teamNames)]
		if k >= len(teamNames) {
			name += fmt.Sprintf(" %d", k/len(teamNames)+1)
		}
		x := int32(len(t.teams))
		t.teams = append(t.teams, tteam{org: int32(o.index), id: g.s.tenantID(tkTeam | uint64(x)), display: name,
			mail: urlName(name) + "@" + o.domain})
	}
	o.thi = int32(len(t.teams))
}

// plainSites are the organization's sites that belong to no group.
func (t *tenant) plainSites(o *torg) []int32 {
	var out []int32
	for x := o.slo; x < o.shi; x++ {
		if t.sites[x].group < 0 {
			out = append(out, x)
		}
	}
	return out
}

// siteItem and teamItem select one site or team.
func siteItem(x int32) item { return item{kind: itemSite, ref: x} }
func teamItem(x int32) item { return item{kind: itemTeam, ref: x} }

// addWorkloadJobs adds the organization's three workload jobs and the
// workload flags, sites and teams of its other jobs' items.
func (g *generator) addWorkloadJobs(o *torg) workloadJobs {
	t := g.t
	plain, tm := t.plainSites(o), o.tlo
	base := o.index % len(t.repos)
	j1 := g.newWorkloadJob(o, base+1, o.officeName+": SharePoint sites", "Sites and teams")
	j1.selected = []item{siteItem(plain[0]), siteItem(plain[1]), siteItem(plain[2]), siteItem(plain[3]), teamItem(tm), teamItem(tm + 1)}
	if o.index%2 == 1 {
		j1.selected = append(j1.selected, item{kind: itemPersonalSites, ref: int32(o.index)})
	}
	j2 := g.newWorkloadJob(o, base+2, o.officeName+": team sites", "A group's site, and sites and teams another job has too")
	j2.selected = []item{siteItem(plain[1]), teamItem(tm + 1), teamItem(tm + 2)}
	if grp := t.groups[o.glo+gChain1]; grp.site != 0 {
		j2.selected = append(j2.selected, item{kind: itemGroup, ref: grp.index, members: triFalse, memberMailbox: triFalse, groupSite: triTrue})
	}
	j3 := g.newWorkloadJob(o, base, o.officeName+": OneDrive and archives", "Users' other workloads, not their mailboxes")
	picks, noArchive, public := g.workloadUsers(o)
	for _, u := range picks {
		j3.selected = append(j3.selected, item{kind: itemUser, ref: u, mailbox: triFalse, archive: triTrue, oneDrive: triTrue, personal: triTrue})
	}
	// The first pick's mailbox and archive are null: neither counts.
	j3.selected[0].mailbox, j3.selected[0].archive = triNull, triNull
	return workloadJobs{sites: j1, teamSites: j2, users: j3, group: g.extendItems(o, j1.index),
		noArchive: noArchive, public: public}
}

// extendItems gives the organization's jobs made before its workload jobs
// (whose indices start at first) their workload items: the entire-organization job
// excludes a site and a team, the organization item's job a site, and the
// first group job also takes its members' archives and personal sites and
// its group's site. It returns that group job, or nil.
func (g *generator) extendItems(o *torg, first int) *tjob {
	t := g.t
	plain, tm := t.plainSites(o), o.tlo
	var group *tjob
	for _, j := range t.jobs {
		if j.org != o.index || j.index >= first {
			continue
		}
		switch {
		case j.entireOrg:
			j.excluded = append(j.excluded, siteItem(plain[4]), teamItem(tm+3))
		case len(j.selected) > 0 && j.selected[0].kind == itemPartialOrg:
			j.excluded = append(j.excluded, siteItem(plain[5]))
		case len(j.selected) > 0 && j.selected[0].kind == itemGroup && j.selected[0].ref == o.glo+gChain1:
			it := &j.selected[0]
			it.memberArchive, it.memberSite, it.groupSite = triTrue, triTrue, triTrue
			group = j
		}
	}
	return group
}

// newWorkloadJob adds a job whose scope has no mailbox.
func (g *generator) newWorkloadJob(o *torg, repo int, name, desc string) *tjob {
	j := g.newJob(o, repo, name, desc)
	j.scope = g.t.newScope()
	j.setSchedule(g.o.Now)
	return j
}

// workloadUsers are the users of the organization's OneDrive and archive
// job: UsersPerJob drawn, then a user without an archive and a public
// mailbox (which has no OneDrive or personal site), each -1 when the
// organization has none.
func (g *generator) workloadUsers(o *torg) (picks []int32, noArchive, public int32) {
	picks = g.sampleFrom(o, g.o.UsersPerJob)
	find := func(ok func(u int32) bool) int32 {
		for u := o.lo; u < o.hi; u++ {
			if ok(u) {
				if !slices.Contains(picks, u) {
					picks = append(picks, u)
				}
				return u
			}
		}
		return -1
	}
	noArchive = find(func(u int32) bool {
		return g.lacks(u)&lacksArchive != 0 && !g.archiveBackedUpAnywhere(u) && !slices.Contains(picks[:1], u)
	})
	public = find(func(u int32) bool { return g.t.users[u].kind == kindPublic })
	return picks, noArchive, public
}

// archiveBackedUpAnywhere reports whether some repository says user u's
// archive is backed up: then u has one, whatever lacks says.
func (g *generator) archiveBackedUpAnywhere(u int32) bool {
	for _, r := range g.t.repos {
		if i, ok := r.byUser[u]; ok && r.data[i].archive {
			return true
		}
	}
	return false
}
