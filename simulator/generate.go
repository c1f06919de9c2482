package simulator

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Roles of the first six groups of every organization; the rest are plain.
const (
	gLarge  = iota // > 120 direct members; excluded by the PartialOrganization job
	gChain1        // nests gChain2, which nests gChain3: three levels
	gChain2
	gChain3 // holds a guest address that matches no user
	gCycleA // nests gCycleB, which nests gCycleA back
	gCycleB // also names a nested group that does not exist
	gPlain  // first plain group
)

// missingGroupName is the nested member of gCycleB that matches no group.
const missingGroupName = "Former Contractors"

// generator holds the state of one tenant build.
type generator struct {
	s    *Simulator
	t    *tenant
	o    TenantOptions
	rng  *rand.Rand
	perm []int32 // scratch permutation of one organization's users
}

// buildTenant derives the whole tenant from the seed: organizations,
// users, groups, jobs, then each job's scope by the protection rule, then
// the repositories' user data from those scopes, then the hard cases, and
// last, with TenantOptions.Workloads, the sites, teams and their jobs.
func (s *Simulator) buildTenant() *tenant {
	o := s.opts.Tenant
	g := &generator{s: s, o: o, t: &tenant{opts: o},
		rng: rand.New(rand.NewPCG(uint64(s.opts.Seed), 0x7e4a47c0ffee))}
	for r := 0; r < o.Repositories; r++ {
		g.addRepo(r)
	}
	for i := 0; i < o.Organizations; i++ {
		g.addOrg(i)
	}
	for _, org := range g.t.orgs {
		g.addJobs(org)
	}
	g.t.computeScopes()
	g.fillUserData()
	g.hardCases()
	g.resolvable()
	if o.Workloads {
		g.addWorkloads()
	}
	for _, r := range g.t.repos {
		r.compact()
	}
	return g.t
}

func (g *generator) addRepo(r int) {
	g.t.repos = append(g.t.repos, &trepo{
		index:       r,
		id:          g.s.tenantID(tkRepo | uint64(r)),
		proxyID:     g.s.tenantID(tkRepo | 1<<40 | uint64(r)),
		name:        fmt.Sprintf("Repository %d", r+1),
		description: []string{"Primary JET repository", "Secondary JET repository", "Branch office repository"}[r%3],
		path:        fmt.Sprintf(`E:\VeeamRepository%d`, r+1),
		capacity:    int64(4+r) << 40,
		free:        int64(1+r%3) << 39,
		byUser:      map[int32]int{},
		orgs:        make([]bool, g.o.Organizations),
	})
}

func (g *generator) addOrg(i int) {
	t, rng := g.t, g.rng
	name := tenants[(i+1)%len(tenants)]
	if i+1 >= len(tenants) {
		name += fmt.Sprint((i + 1) / len(tenants))
	}
	org := &torg{
		index: i, officeName: name, domain: name + ".onmicrosoft.com",
		id:         g.s.tenantID(tkOrg | uint64(i)),
		msid:       g.s.tenantID(tkOrg | 1<<40 | uint64(i)),
		backedUpID: g.s.tenantID(tkOrg | 2<<40 | uint64(i)),
		lo:         int32(len(t.users)),
	}
	org.firstBackup = g.o.Now.AddDate(-3, -2, 0).Add(-time.Duration(i) * time.Hour)
	org.lastSeen = g.o.Now.Add(-time.Duration(20+i) * time.Minute)
	var shared, public bool
	for n := 0; n < g.o.Users; n++ {
		u := tuser{org: int32(i), num: int32(n + 1)}
		switch r := rng.Float64(); {
		case r < g.o.SharedFraction:
			u.kind, u.first = kindShared, uint8(rng.IntN(len(sharedNames)))
		case r < g.o.SharedFraction+g.o.PublicFraction:
			u.kind, u.first = kindPublic, uint8(rng.IntN(len(publicNames)))
		default:
			u.first, u.last = uint8(rng.IntN(len(firstNames))), uint8(rng.IntN(len(lastNames)))
		}
		shared = shared || u.kind == kindShared
		public = public || u.kind == kindPublic
		t.users = append(t.users, u)
	}
	org.hi = int32(len(t.users))
	if g.o.Users >= 10 && !shared && g.o.SharedFraction > 0 {
		t.users[org.lo+3] = tuser{org: int32(i), num: 4, kind: kindShared}
	}
	if g.o.Users >= 10 && !public && g.o.PublicFraction > 0 {
		t.users[org.lo+4] = tuser{org: int32(i), num: 5, kind: kindPublic}
	}
	t.orgs = append(t.orgs, org)
	g.perm = g.perm[:0]
	for u := org.lo; u < org.hi; u++ {
		g.perm = append(g.perm, u)
	}
	org.glo = int32(len(t.groups))
	for k := 0; k < g.o.Groups; k++ {
		g.addGroup(org, k)
	}
	org.ghi = int32(len(t.groups))
	gr := func(k int) int32 { return org.glo + int32(k) }
	t.groups[gr(gChain1)].nested = []int32{gr(gChain2)}
	t.groups[gr(gChain2)].nested = []int32{gr(gChain3)}
	f, l := rng.IntN(len(lowerFirst)), rng.IntN(len(lowerLast))
	t.groups[gr(gChain3)].externals = []string{fmt.Sprintf("%s.%s@guest%d.partner.example", lowerFirst[f], lowerLast[l], i+1)}
	t.groups[gr(gCycleA)].nested = []int32{gr(gCycleB)}
	t.groups[gr(gCycleB)].nested = []int32{gr(gCycleA)}
	t.groups[gr(gCycleB)].missing = []string{missingGroupName}
}

// addGroup makes group k of the organization with its direct user members.
func (g *generator) addGroup(org *torg, k int) {
	t := g.t
	idx := int32(len(t.groups))
	display := groupNames[k%len(groupNames)]
	if k >= len(groupNames) {
		display += fmt.Sprintf(" %d", k/len(groupNames)+1)
	}
	grp := &tgroup{
		index: idx, org: int32(org.index),
		id:      g.s.tenantID(tkGroup|uint64(idx)) + zeroGUID,
		display: display,
		name:    strings.ToLower(strings.ReplaceAll(display, " ", "-")),
		typ:     groupTypes[k%len(groupTypes)],
	}
	size := g.o.GroupSize/2 + g.rng.IntN(g.o.GroupSize+1)
	if k == gLarge {
		size = g.o.LargeGroupSize
	}
	grp.users = g.sample(max(size, 1))
	if k == gLarge {
		// Shared and public mailboxes reach the entire-organization job
		// through this group (the PartialOrganization job excludes it).
		for _, kind := range []uint8{kindShared, kindPublic} {
			if slices.ContainsFunc(grp.users, func(u int32) bool { return t.users[u].kind == kind }) {
				continue
			}
			for u := org.lo; u < org.hi; u++ {
				if t.users[u].kind == kind {
					grp.users = append(grp.users, u)
					break
				}
			}
		}
		slices.Sort(grp.users)
	}
	t.groups = append(t.groups, grp)
}

// sample draws n distinct users of the current organization, sorted, by a
// partial Fisher–Yates shuffle of the scratch permutation.
func (g *generator) sample(n int) []int32 {
	n = min(n, len(g.perm))
	for i := 0; i < n; i++ {
		j := i + g.rng.IntN(len(g.perm)-i)
		g.perm[i], g.perm[j] = g.perm[j], g.perm[i]
	}
	out := slices.Clone(g.perm[:n])
	slices.Sort(out)
	return out
}

var (
	jobStatuses = []string{"Success", "Warning", "Failed", "Success", "Running", "Success", "NotConfigured", "Stopped", "Success", "Queued"}
	schedules   = []string{"Daily", "Periodically", "Daily"}
)

func (g *generator) newJob(org *torg, repo int, name, desc string) *tjob {
	t := g.t
	n := len(t.jobs)
	j := &tjob{
		index: n, org: org.index, repo: repo % len(t.repos),
		id: g.s.tenantID(tkJob | uint64(n)), name: name, description: desc,
		enabled:    n%11 != 10,
		lastStatus: jobStatuses[n%len(jobStatuses)],
		schedule:   schedules[n%len(schedules)],
		eTag:       int64(1000 + 7*n),
	}
	now := g.o.Now
	if j.lastStatus != "NotConfigured" {
		frac := time.Duration(g.rng.Int64N(int64(time.Second)/100)) * 100
		j.lastRun = now.Add(-time.Duration(n*47+13)*time.Minute - frac)
		j.lastB = j.lastRun
		if j.lastStatus != "Success" && j.lastStatus != "Warning" {
			j.lastB = j.lastRun.Add(-24 * time.Hour)
		}
	}
	t.repos[j.repo].orgs[org.index] = true
	t.jobs = append(t.jobs, j)
	return j
}

// setSchedule fixes the next run once enabled is final.
func (j *tjob) setSchedule(now time.Time) {
	j.nextRun = time.Time{}
	if j.enabled {
		j.nextRun = now.Truncate(time.Hour).Add(time.Duration(j.index%6+1) * time.Hour)
	}
}

func userItem(u int32, mailbox tri) item {
	return item{kind: itemUser, ref: u, mailbox: mailbox, archive: triTrue, oneDrive: triTrue, personal: triFalse}
}

func groupItem(grp int32, memberMailbox tri) item {
	return item{kind: itemGroup, ref: grp, members: triTrue, memberMailbox: memberMailbox, memberArchive: triFalse,
		memberOneDrive: triTrue, memberSite: triFalse, mailbox: triTrue, groupSite: triFalse}
}

// addJobs makes one organization's jobs in listing order: the
// EntireOrganization job, the PartialOrganization job, the group jobs and
// the user jobs, recording the hard cases of organization 0 as it goes.
// The parts draw from the generator's random source in this order, which
// the seeded data sets depend on.
func (g *generator) addJobs(org *torg) {
	t := g.t
	hc := &HardCases{}
	g.addOrganizationJobs(org, hc)
	g0, member, twoRepo := g.addGroupJobs(org, hc)
	g.addUserJobs(org, hc, g0, twoRepo)
	for _, j := range t.jobs {
		if j.org == org.index {
			j.setSchedule(g.o.Now)
		}
	}
	if org.index == 0 {
		hc.OrganizationID = org.id
		t.hard = *hc
		t.hardRefs = hardRefs{member: member, twoRepo: twoRepo}
	}
}

// jobRepo is the repository index an organization's jobs start from.
func (g *generator) jobRepo(org *torg) int { return org.index % len(g.t.repos) }

// groupOf is the tenant index of the organization's k-th group.
func groupOf(org *torg, k int) int32 { return org.glo + int32(k) }

// randomUser draws one of the organization's users.
func (g *generator) randomUser(org *torg) int32 {
	return org.lo + int32(g.rng.IntN(int(org.hi-org.lo)))
}

// addOrganizationJobs makes the EntireOrganization job and the
// PartialOrganization job, as the options ask.
func (g *generator) addOrganizationJobs(org *torg, hc *HardCases) {
	t, o, base := g.t, g.o, g.jobRepo(org)
	if !o.NoEntireOrgJob {
		j := g.newJob(org, base, "Entire organization - "+org.officeName, "All objects of "+org.domain)
		j.entireOrg = true
		j.excluded = []item{userItem(g.randomUser(org), triTrue), userItem(g.randomUser(org), triTrue)}
		hc.EntireOrgJob = j.id
	}
	if !o.NoPartialOrgJob && o.Users >= partialOrgMinUsers {
		large := groupOf(org, gLarge)
		j := g.newJob(org, base+1, org.officeName+": everyone but "+t.groups[large].display, "Organization as an item")
		j.selected = []item{{kind: itemPartialOrg, ref: int32(org.index), mailbox: triTrue, archive: triTrue,
			oneDrive: triTrue, sites: triTrue, teams: triTrue, teamsChats: triFalse}}
		// The mailbox-null exclusion names a user outside the large group,
		// so that it visibly removes nothing.
		j.excluded = []item{groupItem(large, triTrue), userItem(g.randomUser(org), triTrue), userItem(g.notIn(org, t.groups[large].users), triNull)}
		hc.PartialOrgJob, hc.LargeGroup = j.id, t.groups[large].id
		hc.MailboxNullExclusion = g.s.userID(j.excluded[2].ref)
	}
}

// addGroupJobs makes the group jobs: the first selects the nested chain
// and excludes one of its members (returned, with another member that the
// first user job also selects), the second the cycle and a group whose
// mailbox flag is null.
func (g *generator) addGroupJobs(org *torg, hc *HardCases) (g0 *tjob, member, twoRepo int32) {
	t, base := g.t, g.jobRepo(org)
	member, twoRepo = -1, -1
	for k := 0; k < g.o.GroupJobs; k++ {
		target := groupOf(org, gPlain+1+k-2)
		switch k {
		case 0:
			target = groupOf(org, gChain1)
		case 1:
			target = groupOf(org, gCycleA)
		}
		j := g.newJob(org, base+k, org.officeName+": group "+t.groups[target].display, "Members of "+t.groups[target].name)
		j.selected = []item{groupItem(target, triTrue)}
		switch k {
		case 0:
			g0 = j
			chain := t.groups[target].users
			member = chain[g.rng.IntN(len(chain))]
			j.excluded = []item{userItem(member, triTrue)}
			for _, u := range chain {
				if u != member {
					twoRepo = u
					break
				}
			}
			hc.ExcludedMember, hc.ExcludedMemberJob, hc.IncludedGroup = g.s.userID(member), j.id, t.groups[target].id
			hc.NestedGroup, hc.ExternalJob = t.groups[target].id, j.id
			hc.ExternalLogin = t.groups[groupOf(org, gChain3)].externals[0]
		case 1:
			j.selected = append(j.selected, groupItem(groupOf(org, gPlain), triNull))
			j.excluded = []item{userItem(g.randomUser(org), triTrue)}
			hc.CycleGroups = [2]string{t.groups[groupOf(org, gCycleA)].id, t.groups[groupOf(org, gCycleB)].id}
			hc.MissingGroupName, hc.CycleJob = missingGroupName, j.id
		default:
			j.excluded = []item{userItem(g.randomUser(org), triTrue)}
		}
	}
	return g0, member, twoRepo
}

// addUserJobs makes the user jobs: the first with the special users (a
// shared and a public mailbox, one whose mailbox flag is false, one in two
// repositories), the second with a user whose flag is absent, the third
// excluding a group, and the last disabled.
func (g *generator) addUserJobs(org *torg, hc *HardCases, g0 *tjob, twoRepo int32) {
	t, o, base := g.t, g.o, g.jobRepo(org)
	for k := 0; k < o.UserJobs; k++ {
		j := g.newJob(org, base+k+1, fmt.Sprintf("%s: VIP users %d", org.officeName, k+1), "Hand-picked mailboxes")
		picks := g.sampleFrom(org, o.UsersPerJob)
		if k == 0 {
			picks = g.withSpecial(org, picks, twoRepo)
		}
		for _, u := range picks {
			j.selected = append(j.selected, userItem(u, triTrue))
		}
		switch k {
		case 0:
			f := g.notIn(org, picks)
			j.selected = append(j.selected, userItem(f, triFalse))
			hc.MailboxFalseUser, hc.MailboxFalseJob = g.s.userID(f), j.id
			hc.SharedJob = j.id
			for _, u := range picks {
				switch t.users[u].kind {
				case kindShared:
					hc.SharedUser = g.s.userID(u)
				case kindPublic:
					hc.PublicUser = g.s.userID(u)
				}
			}
			if twoRepo >= 0 && g0 != nil && j.repo != g0.repo {
				hc.TwoRepoUser, hc.TwoRepoBackedUpJob, hc.TwoRepoNotBackedUpJob = g.s.userID(twoRepo), j.id, g0.id
			}
		case 1:
			n := g.notIn(org, picks)
			j.selected = append(j.selected, userItem(n, triAbsent))
			hc.MailboxAbsentUser, hc.MailboxAbsentJob = g.s.userID(n), j.id
		case 2:
			j.excluded = []item{groupItem(groupOf(org, gPlain+1), triTrue)}
		}
		if k == o.UserJobs-1 && k > 0 {
			j.enabled = false
			hc.DisabledJob = j.id
		}
	}
}

// sampleFrom draws n distinct users of org (the scratch permutation is
// rebuilt because it belongs to the last organization generated).
func (g *generator) sampleFrom(org *torg, n int) []int32 {
	g.perm = g.perm[:0]
	for u := org.lo; u < org.hi; u++ {
		g.perm = append(g.perm, u)
	}
	return g.sample(n)
}

// withSpecial puts the two-repository user and a shared and a public
// mailbox among the first user job's picks.
func (g *generator) withSpecial(org *torg, picks []int32, twoRepo int32) []int32 {
	add := func(u int32) {
		if u >= 0 && !slices.Contains(picks, u) {
			picks = append(picks, u)
		}
	}
	add(twoRepo)
	for _, kind := range []uint8{kindShared, kindPublic} {
		for u := org.lo; u < org.hi; u++ {
			if g.t.users[u].kind == kind {
				add(u)
				break
			}
		}
	}
	return picks
}

// notIn returns a random user of org outside picks (or any user of a tiny
// organization).
func (g *generator) notIn(org *torg, picks []int32) int32 {
	for range 64 {
		u := org.lo + int32(g.rng.IntN(int(org.hi-org.lo)))
		if !slices.Contains(picks, u) {
			return u
		}
	}
	return org.lo
}
