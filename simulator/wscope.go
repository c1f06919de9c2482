package simulator

// workload is one kind of object a job protects, as docs/protection-v6-v8.md
// lists them: four of a user, then sites and teams.
type workload int

const (
	wMailbox workload = iota
	wArchive
	wOneDrive
	wPersonal
	wSite
	wTeam
	numWorkloads
)

// workloadNames are the workloads' names, the protection package's.
var workloadNames = [numWorkloads]string{"mailbox", "archive", "onedrive", "personal_site", "site", "team"}

// adds reports whether item it adds objects of workload w, by the table in
// docs/protection-v6-v8.md: a flag counts only when exactly true.
func (t *tenant) adds(it item, w workload) bool {
	switch it.kind {
	case itemUser:
		return [...]tri{it.mailbox, it.archive, it.oneDrive, it.personal, triAbsent, triAbsent}[w].on()
	case itemGroup:
		if w == wSite {
			return it.groupSite.on() && t.groups[it.ref].site != 0
		}
		member := [...]tri{it.memberMailbox, it.memberArchive, it.memberOneDrive, it.memberSite, triAbsent, triAbsent}[w]
		return it.members.on() && member.on()
	case itemPartialOrg:
		// The organization's Sites option takes the personal sites too.
		return [...]tri{it.mailbox, it.archive, it.oneDrive, it.sites, it.sites, it.teams}[w].on()
	case itemSite:
		return w == wSite
	case itemTeam:
		return w == wTeam
	case itemPersonalSites:
		return w == wPersonal
	}
	return false
}

// objects is the number of sites (w = wSite) or teams.
func (t *tenant) objects(w workload) int {
	if w == wSite {
		return len(t.sites)
	}
	return len(t.teams)
}

// orgObjects is the range of an organization's sites or teams.
func (t *tenant) orgObjects(o *torg, w workload) (lo, hi int32) {
	if w == wSite {
		return o.slo, o.shi
	}
	return o.tlo, o.thi
}

// expandObjects is the sites or teams items name.
func (t *tenant) expandObjects(items []item, w workload) bitset {
	b := newBitset(t.objects(w))
	for _, it := range items {
		if !t.adds(it, w) {
			continue
		}
		switch it.kind {
		case itemGroup:
			b.set(t.groups[it.ref].site - 1)
		case itemPartialOrg:
			lo, hi := t.orgObjects(t.orgs[it.ref], w)
			for x := lo; x < hi; x++ {
				b.set(x)
			}
		default:
			b.set(it.ref)
		}
	}
	return b
}

// objectScopes applies the rule to the sites or teams, job by job, as
// userScopes does to a user workload.
func (t *tenant) objectScopes(w workload) []bitset {
	out := make([]bitset, len(t.jobs))
	for _, j := range t.jobs {
		if !j.entireOrg {
			out[j.index] = t.expandObjects(j.selected, w)
			out[j.index].andNot(t.expandObjects(j.excluded, w))
		}
	}
	for _, j := range t.jobs {
		if !j.entireOrg {
			continue
		}
		b := newBitset(t.objects(w))
		lo, hi := t.orgObjects(t.orgs[j.org], w)
		for x := lo; x < hi; x++ {
			b.set(x)
		}
		b.andNot(t.expandObjects(j.excluded, w))
		for _, other := range t.jobs {
			if !other.entireOrg && other.org == j.org {
				b.andNot(out[other.index])
			}
		}
		out[j.index] = b
	}
	return out
}

// jobScopes are one job's scopes for every workload: users for the user
// workloads (the mailbox's included), and sites and teams.
type jobScopes struct {
	users        [wSite]scope
	sites, teams bitset
}

// objectsOf is the job's sites (w = wSite) or teams.
func (js *jobScopes) objectsOf(w workload) bitset {
	if w == wSite {
		return js.sites
	}
	return js.teams
}

// workloadScopes computes every job's scopes once, in GET /vN/Jobs order;
// serving the wire needs them only when Workloads shapes the repositories'
// data by them.
func (t *tenant) workloadScopes() []jobScopes {
	t.wonce.Do(func() {
		t.wsc = make([]jobScopes, len(t.jobs))
		for w := wMailbox; w < wSite; w++ {
			for k, sc := range t.userScopes(w) {
				t.wsc[k].users[w] = sc
			}
		}
		for k, b := range t.objectScopes(wSite) {
			t.wsc[k].sites = b
		}
		for k, b := range t.objectScopes(wTeam) {
			t.wsc[k].teams = b
		}
	})
	return t.wsc
}
