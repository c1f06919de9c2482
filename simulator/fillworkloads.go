package simulator

import "time"

// repoScopes is the union of the scopes of the jobs writing to one
// repository, per workload.
type repoScopes struct {
	users        [wSite]bitset
	sites, teams bitset
}

func (t *tenant) repoScopes(r *trepo) repoScopes {
	rs := repoScopes{sites: newBitset(len(t.sites)), teams: newBitset(len(t.teams))}
	for w := range rs.users {
		rs.users[w] = newBitset(len(t.users))
	}
	for k, js := range t.workloadScopes() {
		if t.jobs[k].repo != r.index {
			continue
		}
		for w := range rs.users {
			rs.users[w].or(js.users[w].users)
		}
		rs.sites.or(js.sites)
		rs.teams.or(js.teams)
	}
	return rs
}

// fillWorkloadData gives each repository, for the objects in the scope of
// a job writing there, site and team data, and user data for the users
// only the other workloads bring there: backed up recently with
// BackedUpFraction, some long ago, the rest never. A user whose mailbox is
// in scope there but who has no entry stays without one, as the mailbox
// rule's absent users do; a user without an archive, OneDrive or personal
// site never has it backed up.
func (g *generator) fillWorkloadData() {
	for _, r := range g.t.repos {
		rs := g.t.repoScopes(r)
		others := newBitset(len(g.t.users))
		for w := wArchive; w < wSite; w++ {
			others.or(rs.users[w])
		}
		others.each(func(u int32) {
			if _, ok := r.byUser[u]; ok || rs.users[wMailbox].has(u) {
				return
			}
			r.put(g.otherWorkloadsEntry(u, rs))
		})
		rs.sites.each(func(x int32) { g.drawObject(&r.sites, x) })
		rs.teams.each(func(x int32) { g.drawObject(&r.teams, x) })
		g.staleObjects(r, rs)
	}
}

// otherWorkloadsEntry is a new entry for user u: each workload of the
// repository's scopes that u has, drawn.
func (g *generator) otherWorkloadsEntry(u int32, rs repoScopes) userData {
	e := userData{user: u}
	lacks := g.lacks(u)
	draw := func(w workload, lack uint8, on *bool, at *int64) {
		if rs.users[w].has(u) && lacks&lack == 0 {
			*on, *at = g.drawBackup()
		}
	}
	draw(wArchive, lacksArchive, &e.archive, &e.archiveAt)
	draw(wOneDrive, lacksOneDrive, &e.oneDrive, &e.oneDriveAt)
	draw(wPersonal, lacksPersonal, &e.personal, &e.personAt)
	return e
}

// drawBackup is backed up with BackedUpFraction, nine times in ten
// recently and else long ago; otherwise not backed up.
func (g *generator) drawBackup() (bool, int64) {
	now := g.o.Now
	switch x := g.rng.Float64(); {
	case x < 0.9*g.o.BackedUpFraction:
		return true, now.Add(-time.Hour - time.Duration(g.rng.Int64N(int64(36*time.Hour)))).Unix()
	case x < g.o.BackedUpFraction:
		return true, now.Add(-400 * 24 * time.Hour).Unix()
	}
	return false, 0
}

// drawObject decides what a repository holds of a site or team: a backup
// as drawBackup says, and now and then one without a time; else nothing
// (site and team data list only what was backed up).
func (g *generator) drawObject(l *objList, x int32) {
	on, at := g.drawBackup()
	if !on {
		if g.rng.IntN(4) == 0 {
			l.put(objData{obj: x}) // backed up, the time unknown
		}
		return
	}
	l.put(objData{obj: x, at: at})
}

// staleObjects adds one site and one team no job writing to r holds any
// more, backed up long ago: they must count for no job.
func (g *generator) staleObjects(r *trepo, rs repoScopes) {
	at := g.o.Now.Add(-200 * 24 * time.Hour).Unix()
	for _, o := range g.t.orgs {
		if !r.orgs[o.index] {
			continue
		}
		for x := o.slo; x < o.shi; x++ {
			if !rs.sites.has(x) && !r.sites.has(x) {
				r.sites.put(objData{obj: x, at: at})
				break
			}
		}
		for x := o.tlo; x < o.thi; x++ {
			if !rs.teams.has(x) && !r.teams.has(x) {
				r.teams.put(objData{obj: x, at: at})
				break
			}
		}
		return
	}
}
