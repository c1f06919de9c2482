package simulator

import (
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
)

// wireTruth rebuilds every job's scope from the wire alone, following
// docs/protection-v6-v8.md the way an exporter would, so the test checks
// ProtectionTruth against an implementation that shares no code with it.
type wireTruth struct {
	t       *testing.T
	c       *vclient
	byAddr  map[string]string // lower-cased address -> user id, from every user list read
	names   map[string]string // user id -> lower-cased address
	orgOf   map[string]string // job id -> organization id
	data    map[string]map[string]wUserData
	dataBy  map[string]map[string]wUserData // repository -> lower email -> entry
	scopes  map[string]map[string]bool      // job id -> "id:…" / "addr:…"
	missing map[string]int
	jobs    []wJob
}

func readWire(t *testing.T, c *vclient) *wireTruth {
	w := &wireTruth{t: t, c: c, byAddr: map[string]string{}, names: map[string]string{}, orgOf: map[string]string{},
		data: map[string]map[string]wUserData{}, dataBy: map[string]map[string]wUserData{},
		scopes: map[string]map[string]bool{}, missing: map[string]int{}}
	w.jobs = decodeAll[wJob](t, c.all("/Jobs", 7))
	orgs := decodeAll[wGroup](t, c.all("/Organizations?extendedView=false", 7))
	for _, j := range w.jobs {
		w.orgOf[j.ID] = j.OrganizationID
	}
	if c.p != "/v8" {
		for _, o := range orgs {
			for _, j := range decodeAll[wJob](t, c.all("/Organizations/"+o.ID+"/Jobs", 50)) {
				w.orgOf[j.ID] = o.ID
			}
		}
	}
	items := map[string][2][]wItem{}
	listed := map[string]bool{}
	for _, j := range w.jobs {
		var sel []wItem
		if j.BackupType != "EntireOrganization" {
			sel = decodeAll[wItem](t, c.all("/Jobs/"+j.ID+"/SelectedItems", 3))
		} else {
			listed[w.orgOf[j.ID]] = true
		}
		exc := decodeAll[wItem](t, c.all("/Jobs/"+j.ID+"/ExcludedItems", 3))
		items[j.ID] = [2][]wItem{sel, exc}
		for _, it := range append(slices.Clone(sel), exc...) {
			switch {
			case it.Type == "PartialOrganization" && isTrue(it.Mailbox):
				listed[w.orgOf[j.ID]] = true
			case it.Type == "User":
				w.addUser(it.User.ID, it.User.Name)
			}
		}
	}
	orgUsers := map[string][]string{}
	for _, o := range orgs {
		if listed[o.ID] {
			for _, u := range decodeAll[wUser](t, c.all("/Organizations/"+o.ID+"/Users", 64)) {
				w.addUser(u.ID, u.Name)
				orgUsers[o.ID] = append(orgUsers[o.ID], "id:"+u.ID)
			}
		}
	}
	for _, j := range w.jobs {
		if w.data[j.RepositoryID] != nil {
			continue
		}
		w.data[j.RepositoryID], w.dataBy[j.RepositoryID] = map[string]wUserData{}, map[string]wUserData{}
		for _, e := range decodeAll[wUserData](t, c.all("/BackupRepositories/"+j.RepositoryID+"/UserData", 40)) {
			w.data[j.RepositoryID][e.ID] = e
			w.dataBy[j.RepositoryID][strings.ToLower(e.Email)] = e
			w.addUser(e.ID, e.Email)
		}
	}
	for _, j := range w.jobs {
		if j.BackupType != "EntireOrganization" {
			sc, miss := w.expand(w.orgOf[j.ID], items[j.ID][0])
			ex, miss2 := w.expand(w.orgOf[j.ID], items[j.ID][1])
			for k := range ex {
				delete(sc, k)
			}
			w.scopes[j.ID], w.missing[j.ID] = sc, len(union(miss, miss2))
		}
	}
	for _, j := range w.jobs {
		if j.BackupType == "EntireOrganization" {
			sc := map[string]bool{}
			for _, k := range orgUsers[w.orgOf[j.ID]] {
				sc[k] = true
			}
			ex, miss := w.expand(w.orgOf[j.ID], items[j.ID][1])
			for k := range ex {
				delete(sc, k)
			}
			for _, o := range w.jobs {
				if o.ID != j.ID && w.orgOf[o.ID] == w.orgOf[j.ID] {
					for k := range w.scopes[o.ID] {
						delete(sc, k)
					}
				}
			}
			w.scopes[j.ID], w.missing[j.ID] = sc, len(miss)
		}
	}
	return w
}

func isTrue(b *bool) bool { return b != nil && *b }

func union(a, b map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func (w *wireTruth) addUser(id, name string) {
	w.byAddr[strings.ToLower(name)] = id
	w.names[id] = strings.ToLower(name)
}

// expand is the table of docs/protection-v6-v8.md; missing holds the nested
// group names that did not resolve to exactly one group.
func (w *wireTruth) expand(org string, items []wItem) (sc, missing map[string]bool) {
	sc, missing = map[string]bool{}, map[string]bool{}
	for _, it := range items {
		switch {
		case it.Type == "User" && isTrue(it.Mailbox):
			sc["id:"+it.User.ID] = true
		case it.Type == "Group" && isTrue(it.Members) && isTrue(it.MemberMailbox):
			w.expandGroup(org, it.Group.ID, sc, missing)
		case it.Type == "PartialOrganization" && isTrue(it.Mailbox):
			for _, u := range decodeAll[wUser](w.t, w.c.all("/Organizations/"+org+"/Users", 64)) {
				sc["id:"+u.ID] = true
			}
		}
	}
	return sc, missing
}

func (w *wireTruth) expandGroup(org, id string, sc, missing map[string]bool) {
	type level struct {
		id    string
		depth int
	}
	visited := map[string]bool{id: true}
	queue := []level{{id, 1}}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, m := range decodeAll[wMember](w.t, w.c.all("/Organizations/"+org+"/Groups/"+cur.id+"/Members", 50)) {
			switch m.Type {
			case "User":
				if uid, ok := w.byAddr[strings.ToLower(m.Login)]; ok {
					sc["id:"+uid] = true
				} else {
					sc["addr:"+strings.ToLower(m.Login)] = true
				}
			case "Group":
				found := decodeAll[wGroup](w.t, w.c.all("/Organizations/"+org+"/Groups?groupName="+url.QueryEscape(m.Name), 30))
				if len(found) != 1 || cur.depth+1 > 8 {
					missing[strings.ToLower(m.Name)] = true
					continue
				}
				if !visited[found[0].ID] {
					visited[found[0].ID] = true
					queue = append(queue, level{found[0].ID, cur.depth + 1})
				}
			}
		}
	}
}

// truth computes one job's figures from the wire scope.
func (w *wireTruth) truth(j wJob) ProtectionTruth {
	pt := ProtectionTruth{JobID: j.ID, JobName: j.Name, OrganizationID: w.orgOf[j.ID], RepositoryID: j.RepositoryID,
		BackupType: j.BackupType, Enabled: isTrue(j.IsEnabled), Unresolved: w.missing[j.ID]}
	for k := range w.scopes[j.ID] {
		pt.Mailboxes++
		kind, key, _ := strings.Cut(k, ":")
		if kind == "addr" {
			pt.Unresolved++
			pt.NotBackedUp = append(pt.NotBackedUp, key)
			continue
		}
		e, ok := w.data[j.RepositoryID][key]
		if !ok {
			e, ok = w.dataBy[j.RepositoryID][w.names[key]]
		}
		if !ok || !isTrue(e.IsMailboxBackedUp) {
			pt.NotBackedUp = append(pt.NotBackedUp, w.names[key])
			continue
		}
		pt.BackedUp++
		if t := *e.MailboxBackedUpTime; pt.OldestBackup.IsZero() || t.Before(pt.OldestBackup) {
			pt.OldestBackup = t
		}
	}
	sort.Strings(pt.NotBackedUp)
	return pt
}

func compareTruth(t *testing.T, w *wireTruth, truth []ProtectionTruth) {
	t.Helper()
	if len(truth) != len(w.jobs) {
		t.Fatalf("%d truths for %d wire jobs", len(truth), len(w.jobs))
	}
	for i, j := range w.jobs {
		got, want := w.truth(j), truth[i]
		if !got.OldestBackup.Equal(want.OldestBackup) {
			t.Errorf("%s: oldest %v, truth %v", j.Name, got.OldestBackup, want.OldestBackup)
		}
		got.OldestBackup = want.OldestBackup
		if !equalTruth(got, want) {
			t.Errorf("%s (%s):\n wire  %+v\n truth %+v", j.Name, w.c.p, got, want)
		}
	}
}

func equalTruth(a, b ProtectionTruth) bool {
	return a.JobID == b.JobID && a.JobName == b.JobName && a.OrganizationID == b.OrganizationID &&
		a.RepositoryID == b.RepositoryID && a.BackupType == b.BackupType && a.Enabled == b.Enabled &&
		a.Mailboxes == b.Mailboxes && a.BackedUp == b.BackedUp && a.Unresolved == b.Unresolved &&
		a.OldestBackup.Equal(b.OldestBackup) && slices.Equal(a.NotBackedUp, b.NotBackedUp)
}

// TestProtectionTruthMatchesWire walks tenants of several shapes on every
// version and checks the truth against the rule applied to the wire.
func TestProtectionTruthMatchesWire(t *testing.T) {
	shapes := map[string]TenantOptions{
		"default":    {},
		"two-orgs":   {Organizations: 2, Users: 150, Repositories: 3},
		"no-listing": {Organizations: 2, Users: 60, NoEntireOrgJob: true, NoPartialOrgJob: true, GroupSize: 12},
		"small":      {Users: 12, GroupJobs: 2, UserJobs: 2, Repositories: 1},
	}
	for name, to := range shapes {
		to.Now = tenantNow
		srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: to, Seed: 7})
		for _, ver := range allV6Plus {
			t.Run(name+"/"+ver, func(t *testing.T) {
				w := readWire(t, newVClient(t, srv, ver))
				compareTruth(t, w, sim.ProtectionTruth())
			})
		}
	}
}

// TestHardCases asserts each deliberate edge case of the default tenant on
// the wire, independently of ProtectionTruth.
func TestHardCases(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow}})
	hc := sim.HardCases()
	c := newVClient(t, srv, "v8")
	w := readWire(t, c)
	job := func(id string) wJob {
		t.Helper()
		for _, j := range w.jobs {
			if j.ID == id {
				return j
			}
		}
		t.Fatalf("job %q not listed (hard cases %+v)", id, hc)
		return wJob{}
	}
	in := func(jobID, userID string) bool { return w.scopes[jobID]["id:"+userID] }
	entry := func(jobID, userID string) (wUserData, bool) {
		e, ok := w.data[job(jobID).RepositoryID][userID]
		return e, ok
	}
	for _, f := range []string{hc.EntireOrgJob, hc.PartialOrgJob, hc.ExcludedMember, hc.ExternalLogin, hc.TwoRepoUser,
		hc.SharedUser, hc.PublicUser, hc.MailboxFalseUser, hc.MailboxAbsentUser, hc.LongAgoUser, hc.AbsentUser,
		hc.ArchiveOnlyUser, hc.StaleUser, hc.DisabledJob, hc.LargeGroup, hc.CycleGroups[1]} {
		if f == "" {
			t.Fatalf("a hard case is missing from the default tenant: %+v", hc)
		}
	}

	// The entire-organization job holds no user another job of the org
	// holds, enabled or not, and with them and its exclusions covers all.
	e := hc.EntireOrgJob
	covered := map[string]bool{}
	for _, j := range w.jobs {
		for k := range w.scopes[j.ID] {
			if j.ID != e && w.scopes[e][k] {
				t.Errorf("entire-org scope shares %s with %s", k, j.Name)
			}
			covered[k] = true
		}
	}
	for _, it := range decodeAll[wItem](t, c.all("/Jobs/"+e+"/ExcludedItems", 30)) {
		covered["id:"+it.User.ID] = true
	}
	users := decodeAll[wUser](t, c.all("/Organizations/"+hc.OrganizationID+"/Users", 1000))
	for _, u := range users {
		if !covered["id:"+u.ID] {
			t.Errorf("user %s is in no scope and not excluded", u.Name)
		}
	}
	if len(w.scopes[e]) == 0 || isTrue(job(hc.DisabledJob).IsEnabled) || len(w.scopes[hc.DisabledJob]) == 0 {
		t.Errorf("entire-org scope %d, disabled job %+v with %d", len(w.scopes[e]), job(hc.DisabledJob), len(w.scopes[hc.DisabledJob]))
	}

	// An excluded direct member of the included group.
	members := decodeAll[wMember](t, c.all("/Organizations/"+hc.OrganizationID+"/Groups/"+hc.IncludedGroup+"/Members", 50))
	if !slices.ContainsFunc(members, func(m wMember) bool { return m.Login == w.names[hc.ExcludedMember] }) || in(hc.ExcludedMemberJob, hc.ExcludedMember) {
		t.Errorf("excluded member %s: member of the group? in scope %v", w.names[hc.ExcludedMember], in(hc.ExcludedMemberJob, hc.ExcludedMember))
	}

	// A user in two jobs with different repositories, backed up in one.
	a, b := job(hc.TwoRepoBackedUpJob), job(hc.TwoRepoNotBackedUpJob)
	ea, _ := entry(a.ID, hc.TwoRepoUser)
	eb, _ := entry(b.ID, hc.TwoRepoUser)
	if a.RepositoryID == b.RepositoryID || !in(a.ID, hc.TwoRepoUser) || !in(b.ID, hc.TwoRepoUser) ||
		!isTrue(ea.IsMailboxBackedUp) || isTrue(eb.IsMailboxBackedUp) {
		t.Errorf("two-repository user: %+v / %+v", ea, eb)
	}

	// Backed up long ago, absent, archive only.
	if el, ok := entry(hc.LongAgoJob, hc.LongAgoUser); !ok || !isTrue(el.IsMailboxBackedUp) ||
		!el.MailboxBackedUpTime.Before(tenantNow.AddDate(-3, 0, 0)) || !in(hc.LongAgoJob, hc.LongAgoUser) {
		t.Errorf("long-ago entry %+v", el)
	}
	if _, ok := entry(hc.AbsentJob, hc.AbsentUser); ok || !in(hc.AbsentJob, hc.AbsentUser) {
		t.Errorf("absent user present=%v in scope=%v", ok, in(hc.AbsentJob, hc.AbsentUser))
	}
	if eo, ok := entry(hc.ArchiveOnlyJob, hc.ArchiveOnlyUser); !ok || isTrue(eo.IsMailboxBackedUp) || !isTrue(eo.IsArchiveBackedUp) || !in(hc.ArchiveOnlyJob, hc.ArchiveOnlyUser) {
		t.Errorf("archive-only entry %+v", eo)
	}

	// A stale entry no job writing to its repository has in scope.
	for _, j := range w.jobs {
		if j.RepositoryID == hc.StaleRepository && in(j.ID, hc.StaleUser) {
			t.Errorf("stale user in scope of %s", j.Name)
		}
	}
	if _, ok := w.data[hc.StaleRepository][hc.StaleUser]; !ok {
		t.Error("stale entry missing")
	}

	// The large group spans more than two pages of 50.
	if n := len(c.all("/Organizations/"+hc.OrganizationID+"/Groups/"+hc.LargeGroup+"/Members", 50)); n <= 120 {
		t.Errorf("large group has %d members", n)
	}

	// Shared and public mailboxes in scope, typed so on the users list.
	types := map[string]string{}
	for _, u := range users {
		types[u.ID] = u.Type
	}
	if types[hc.SharedUser] != "Shared" || types[hc.PublicUser] != "Public" || !in(hc.SharedJob, hc.SharedUser) || !in(hc.SharedJob, hc.PublicUser) {
		t.Errorf("shared/public: %q %q", types[hc.SharedUser], types[hc.PublicUser])
	}

	// The guest login matches no user and stays in scope by address.
	if _, ok := w.byAddr[hc.ExternalLogin]; ok || !w.scopes[hc.ExternalJob]["addr:"+hc.ExternalLogin] {
		t.Errorf("external %s: scope %v", hc.ExternalLogin, w.scopes[hc.ExternalJob]["addr:"+hc.ExternalLogin])
	}

	// mailbox false, absent and null add or remove nothing.
	flags := func(jobID, list, user string) (found, present bool, val *bool) {
		for _, raw := range c.all("/Jobs/"+jobID+"/"+list, 30) {
			var it wItem
			mustJSON(t, raw, &it)
			if it.User != nil && it.User.ID == user {
				return true, strings.Contains(string(raw), `"mailbox":`), it.Mailbox
			}
		}
		return false, false, nil
	}
	if f, p, v := flags(hc.MailboxFalseJob, "SelectedItems", hc.MailboxFalseUser); !f || !p || v == nil || *v || in(hc.MailboxFalseJob, hc.MailboxFalseUser) {
		t.Errorf("mailbox:false item found=%v present=%v", f, p)
	}
	if f, p, _ := flags(hc.MailboxAbsentJob, "SelectedItems", hc.MailboxAbsentUser); !f || p || in(hc.MailboxAbsentJob, hc.MailboxAbsentUser) {
		t.Errorf("mailbox-absent item found=%v present=%v", f, p)
	}
	if f, p, v := flags(hc.PartialOrgJob, "ExcludedItems", hc.MailboxNullExclusion); !f || !p || v != nil || !in(hc.PartialOrgJob, hc.MailboxNullExclusion) {
		t.Errorf("mailbox:null exclusion found=%v present=%v", f, p)
	}

	// The cycle and the missing nested group.
	cyc := decodeAll[wMember](t, c.all("/Organizations/"+hc.OrganizationID+"/Groups/"+hc.CycleGroups[1]+"/Members", 50))
	if !slices.ContainsFunc(cyc, func(m wMember) bool { return m.Type == "Group" && m.Name == hc.MissingGroupName }) || w.missing[hc.CycleJob] != 1 {
		t.Errorf("cycle job missing groups %d", w.missing[hc.CycleJob])
	}
	for _, pt := range sim.ProtectionTruth() {
		if pt.JobID == hc.ExternalJob && !slices.Contains(pt.NotBackedUp, hc.ExternalLogin) {
			t.Errorf("truth of %s lacks the guest %s", pt.JobName, hc.ExternalLogin)
		}
	}
}

// TestTenantDeterministic builds the same tenant twice and a different
// seed once.
func TestTenantDeterministic(t *testing.T) {
	opts := Options{Versions: allV6Plus, Seed: 3, Tenant: TenantOptions{Organizations: 2, Now: tenantNow}}
	a, b := New(opts), New(opts)
	if !slices.EqualFunc(a.ProtectionTruth(), b.ProtectionTruth(), equalTruth) || a.HardCases() != b.HardCases() {
		t.Fatal("same seed, different truth")
	}
	ia, va := a.ServiceInstance()
	ib, _ := b.ServiceInstance()
	if ia != ib || va != v8Builds[V8Release84] {
		t.Errorf("service instance %s %s / %s", ia, va, ib)
	}
	srvA, srvB := newServerFor(t, a), newServerFor(t, b)
	ca, cb := newVClient(t, srvA, "v7"), newVClient(t, srvB, "v7")
	for _, path := range []string{"/Jobs", "/Organizations?extendedView=true", "/BackupRepositories",
		"/BackupRepositories/" + a.ProtectionTruth()[0].RepositoryID + "/UserData?limit=10000",
		"/Jobs/" + a.HardCases().ExcludedMemberJob + "/SelectedItems"} {
		_, ba := ca.get(ca.p + path)
		_, bb := cb.get(cb.p + path)
		if string(ba) != string(bb) {
			t.Errorf("%s differs between runs", path)
		}
	}
	opts.Seed = 4
	if c := New(opts); c.ProtectionTruth()[0].JobID == a.ProtectionTruth()[0].JobID {
		t.Error("another seed gave the same job id")
	}
}

func newServerFor(t *testing.T, sim *Simulator) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(sim)
	srv.Config.ErrorLog = quietLog
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// TestTenantDefaults documents the default sizes.
func TestTenantDefaults(t *testing.T) {
	sim := New(Options{Versions: []string{"v8"}})
	o := sim.Options().Tenant
	if o.Organizations != 1 || o.Users != 200 || o.Repositories != 2 || o.GroupJobs != 3 || o.UserJobs != 4 ||
		o.Groups != 8 || o.LargeGroupSize != 130 || o.BackedUpFraction != 0.9 || o.Now.IsZero() {
		t.Errorf("defaults %+v", o)
	}
	// One entire-org, one partial, three group and four user jobs.
	if n := len(sim.ProtectionTruth()); n != 9 {
		t.Errorf("%d jobs", n)
	}
	if New(Options{}).ProtectionTruth() != nil {
		t.Error("a v1-only simulator has a tenant")
	}
}
