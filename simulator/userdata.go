package simulator

import (
	"slices"
	"time"
)

// put adds or replaces a user's entry.
func (r *trepo) put(e userData) {
	if i, ok := r.byUser[e.user]; ok {
		r.data[i] = e
		return
	}
	r.byUser[e.user] = len(r.data)
	r.data = append(r.data, e)
}

// drop removes a user's entry; compact squeezes the hole out later so
// positions stay valid while hard cases are placed.
func (r *trepo) drop(u int32) {
	if i, ok := r.byUser[u]; ok {
		r.data[i].user = -1
		delete(r.byUser, u)
	}
}

func (r *trepo) compact() {
	out := r.data[:0]
	for _, e := range r.data {
		if e.user >= 0 {
			r.byUser[e.user] = len(out)
			out = append(out, e)
		}
	}
	r.data = out
}

// backedEntry is a user whose mailbox was backed up recently; regular users
// often have an archive, OneDrive and personal site backed up too.
func (g *generator) backedEntry(u int32, age time.Duration) userData {
	now := g.o.Now
	at := func() int64 {
		return now.Add(-age - time.Duration(g.rng.Int64N(int64(36*time.Hour)))).Unix()
	}
	e := userData{user: u, mailbox: true, mailboxAt: at()}
	if g.t.users[u].kind == kindUser {
		if g.rng.IntN(10) < 6 {
			e.archive, e.archiveAt = true, at()
		}
		if g.rng.IntN(10) < 8 {
			e.oneDrive, e.oneDriveAt = true, at()
		}
		if g.rng.IntN(10) < 4 {
			e.personal, e.personAt = true, at()
		}
	}
	return e
}

// fillUserData decides, once per repository and user, what the repository
// holds for each mailbox in the scope of a job writing there: backed up
// with BackedUpFraction, else absent or present but not backed up.
func (g *generator) fillUserData() {
	decided := make([]bitset, len(g.t.repos))
	bf := g.o.BackedUpFraction
	for _, j := range g.t.jobs {
		r := g.t.repos[j.repo]
		if decided[j.repo] == nil {
			decided[j.repo] = newBitset(len(g.t.users))
		}
		d := decided[j.repo]
		j.scope.users.each(func(u int32) {
			if d.has(u) {
				return
			}
			d.set(u)
			switch x := g.rng.Float64(); {
			case x < bf:
				r.put(g.backedEntry(u, 30*time.Minute))
			case x < bf+(1-bf)/2:
			default:
				r.put(userData{user: u})
			}
		})
	}
}

// hardCases fixes organization 0's deliberate edge cases in the user data,
// then leaves a few stale entries in every repository.
func (g *generator) hardCases() {
	t, hc := g.t, &g.t.hard
	recent := 30 * time.Minute
	if hc.TwoRepoUser != "" {
		u := t.hardRefs.twoRepo
		t.repos[t.findJob(hc.TwoRepoBackedUpJob).repo].put(g.backedEntry(u, recent))
		t.repos[t.findJob(hc.TwoRepoNotBackedUpJob).repo].put(userData{user: u})
	}
	taken := []int32{t.hardRefs.twoRepo, t.hardRefs.member}
	pick := func(j *tjob, from []int32) int32 {
		for _, u := range from {
			if j.scope.users.has(u) && !contains(taken, u) {
				taken = append(taken, u)
				return u
			}
		}
		return -1
	}
	if j := t.findJob(hc.MailboxAbsentJob); j != nil {
		var picks []int32
		for _, it := range j.selected {
			if it.kind == itemUser && it.mailbox.on() {
				picks = append(picks, it.ref)
			}
		}
		if u := pick(j, picks); u >= 0 {
			t.repos[j.repo].put(g.backedEntry(u, 3*365*24*time.Hour+40*24*time.Hour))
			hc.LongAgoUser, hc.LongAgoJob = g.s.userID(u), j.id
		}
		if u := pick(j, picks); u >= 0 {
			t.repos[j.repo].drop(u)
			hc.AbsentUser, hc.AbsentJob = g.s.userID(u), j.id
		}
	}
	if j := t.findJob(hc.ExcludedMemberJob); j != nil && len(t.orgs) > 0 {
		if u := pick(j, t.groups[t.orgs[0].glo+gChain2].users); u >= 0 {
			e := userData{user: u, archive: true, archiveAt: g.o.Now.Add(-5 * time.Hour).Unix()}
			t.repos[j.repo].put(e)
			hc.ArchiveOnlyUser, hc.ArchiveOnlyJob = g.s.userID(u), j.id
		}
	}
	for _, r := range t.repos {
		g.stale(r)
	}
}

func contains(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// stale adds two entries for users no job writing to r selects any more,
// as a repository keeps data after a job's scope changes. They must not
// count for any job.
func (g *generator) stale(r *trepo) {
	inScope := newBitset(len(g.t.users))
	for _, j := range g.t.jobs {
		if j.repo == r.index {
			inScope.or(j.scope.users)
		}
	}
	added := 0
	for _, o := range g.t.orgs {
		if !r.orgs[o.index] {
			continue
		}
		for u := o.lo; u < o.hi && added < 2; u++ {
			if _, ok := r.byUser[u]; ok || inScope.has(u) {
				continue
			}
			r.put(g.backedEntry(u, 200*24*time.Hour))
			if r.index == 0 && added == 0 {
				g.t.hard.StaleUser, g.t.hard.StaleRepository = g.s.userID(u), r.id
			}
			added++
		}
	}
}

// resolvable keeps the truth independent of which user lists a client read:
// in an organization whose users nobody lists (no EntireOrganization job
// and no PartialOrganization item), a user reached only through a group
// gets an entry (not backed up) in some repository, so its login still
// matches a user as docs/protection-v6-v8.md requires.
func (g *generator) resolvable() {
	t := g.t
	listed := make([]bool, len(t.orgs))
	byItem := newBitset(len(t.users))
	for _, j := range t.jobs {
		listed[j.org] = listed[j.org] || j.entireOrg
		for _, it := range append(j.selected[:len(j.selected):len(j.selected)], j.excluded...) {
			switch {
			case it.kind == itemPartialOrg && it.mailbox.on():
				listed[j.org] = true
			case it.kind == itemUser:
				byItem.set(it.ref)
			}
		}
	}
	for _, j := range t.jobs {
		if listed[j.org] {
			continue
		}
		var groups []item
		for _, it := range append(j.selected[:len(j.selected):len(j.selected)], j.excluded...) {
			if it.kind == itemGroup {
				groups = append(groups, it)
			}
		}
		t.expand(groups, wMailbox).users.each(func(u int32) {
			if byItem.has(u) {
				return
			}
			for _, r := range t.repos {
				if _, ok := r.byUser[u]; ok && slices.Contains(r.orgs, true) {
					return
				}
			}
			t.repos[j.repo].put(userData{user: u})
		})
	}
}
