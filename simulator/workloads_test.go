package simulator

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// Wire shapes of the workload resources the tests read.
type (
	wireSite struct {
		ID, URL, Title string
		IsAvailable    *bool
	}
	wireTeam       struct{ ID, DisplayName, Mail string }
	wireObjectData struct {
		ID, URL      string
		BackedUpTime *time.Time
	}
	wireWorkItem struct {
		Type      string
		Site      *wireSite
		Team      *wireTeam
		Group     *struct{ ID, Site string }
		GroupSite *bool
	}
)

func workloadTenant() TenantOptions { return TenantOptions{Workloads: true, Now: tenantNow} }

// TestWorkloadTruthAgreesOnMailboxes: the mailbox entries of WorkloadTruth
// are ProtectionTruth's, with and without the other workloads' data.
func TestWorkloadTruthAgreesOnMailboxes(t *testing.T) {
	for _, to := range []TenantOptions{{Now: tenantNow}, workloadTenant(), {Workloads: true, Organizations: 2, Users: 60, Repositories: 1, Now: tenantNow}} {
		sim := New(Options{Versions: allV6Plus, Seed: 5, Tenant: to})
		wt, pt := sim.WorkloadTruth(), sim.ProtectionTruth()
		if len(wt) != len(pt)*int(numWorkloads) {
			t.Fatalf("%d workload truths for %d jobs", len(wt), len(pt))
		}
		for k, p := range pt {
			m := wt[k*int(numWorkloads)]
			if m.JobID != p.JobID || m.Workload != "mailbox" || m.InScope != p.Mailboxes || m.BackedUp != p.BackedUp ||
				m.Unresolved != p.Unresolved || !m.OldestBackup.Equal(p.OldestBackup) || !slices.Equal(m.NotBackedUp, p.NotBackedUp) {
				t.Errorf("job %s: workload truth %+v, protection truth %+v", p.JobName, m, p)
			}
		}
	}
}

// TestWorkloadsLeaveTheRestAlone: the other workloads add jobs after the
// others and data, but the mailbox truth of the jobs there were, and the
// hard cases, stay as they are.
func TestWorkloadsLeaveTheRestAlone(t *testing.T) {
	plain := New(Options{Versions: allV6Plus, Seed: 9, Tenant: TenantOptions{Now: tenantNow}})
	with := New(Options{Versions: allV6Plus, Seed: 9, Tenant: workloadTenant()})
	a, b := plain.ProtectionTruth(), with.ProtectionTruth()
	if len(b) != len(a)+3 || !slices.EqualFunc(a, b[:len(a)], equalTruth) || plain.HardCases() != with.HardCases() {
		t.Errorf("the workloads changed the mailbox truth or the hard cases:\n%+v\n%+v", a, b[:len(a)])
	}
	if plain.WorkloadCases() != (WorkloadCases{}) {
		t.Errorf("workload cases without workloads: %+v", plain.WorkloadCases())
	}
}

// truthOf finds a job's truth for one workload.
func truthOf(t *testing.T, sim *Simulator, job, workload string) WorkloadTruth {
	t.Helper()
	for _, wt := range sim.WorkloadTruth() {
		if wt.JobID == job && wt.Workload == workload {
			return wt
		}
	}
	t.Fatalf("no %s truth for job %s", workload, job)
	return WorkloadTruth{}
}

// TestWorkloadHardCases checks each workload edge case on the wire and in
// the truth.
func TestWorkloadHardCases(t *testing.T) {
	sim := New(Options{Versions: allV6Plus, Seed: 1, Tenant: workloadTenant()})
	wc := sim.WorkloadCases()
	for name, v := range map[string]string{"two-job site": wc.TwoJobSite, "group site": wc.GroupSiteURL, "no archive": wc.NoArchiveUser,
		"public": wc.PublicUser, "excluded site": wc.ExcludedSite, "group job": wc.GroupJob} {
		if v == "" {
			t.Fatalf("the default tenant has no %s case: %+v", name, wc)
		}
	}
	c := newVClient(t, newServerFor(t, sim), "v8")
	jobs := map[string]wJob{}
	for _, j := range decodeAll[wJob](t, c.all("/Jobs", 50)) {
		jobs[j.ID] = j
	}
	items := func(job, which string) []wireWorkItem {
		return decodeAll[wireWorkItem](t, c.all("/Jobs/"+job+"/"+which, 50))
	}
	data := func(job, what string) map[string]wireObjectData {
		out := map[string]wireObjectData{}
		for _, d := range decodeAll[wireObjectData](t, c.all("/BackupRepositories/"+jobs[job].RepositoryID+"/"+what, 50)) {
			out[d.ID] = d
		}
		return out
	}
	hasSite := func(its []wireWorkItem, id string) bool {
		return slices.ContainsFunc(its, func(it wireWorkItem) bool { return it.Site != nil && it.Site.ID == id })
	}
	hasTeam := func(its []wireWorkItem, id string) bool {
		return slices.ContainsFunc(its, func(it wireWorkItem) bool { return it.Team != nil && it.Team.ID == id })
	}

	// A site and a team in two jobs on two repositories: only the first
	// holds them.
	s1, s2 := items(wc.SitesJob, "SelectedItems"), items(wc.TeamSitesJob, "SelectedItems")
	if !hasSite(s1, wc.TwoJobSite) || !hasSite(s2, wc.TwoJobSite) || !hasTeam(s1, wc.TwoJobTeam) || !hasTeam(s2, wc.TwoJobTeam) {
		t.Errorf("the site and team in two jobs are not in both")
	}
	if _, ok := data(wc.SitesJob, "SiteData")[wc.TwoJobSite]; !ok {
		t.Errorf("the sites job's repository does not hold the site in two jobs")
	}
	if _, ok := data(wc.TeamSitesJob, "SiteData")[wc.TwoJobSite]; ok {
		t.Errorf("the team sites job's repository holds the site in two jobs")
	}
	// The group's site, by URL alone, as the site list has it in another
	// case and without the trailing slash.
	if !slices.ContainsFunc(s2, func(it wireWorkItem) bool {
		return it.Group != nil && it.Group.ID == wc.GroupSiteGroup && it.Group.Site == wc.GroupSiteURL && it.GroupSite != nil && *it.GroupSite
	}) {
		t.Errorf("no item with the group's site %s", wc.GroupSiteURL)
	}
	sites := decodeAll[wireSite](t, c.all("/Organizations/"+sim.HardCases().OrganizationID+"/Sites?parentId=root", 5))
	if !slices.ContainsFunc(sites, func(s wireSite) bool {
		return strings.EqualFold(s.URL+"/", wc.GroupSiteURL) && s.URL+"/" != wc.GroupSiteURL
	}) {
		t.Errorf("the site list does not have the group's site %s in another case", wc.GroupSiteURL)
	}
	// Backed up without a time: the oldest backup is unknown.
	if d, ok := data(wc.TeamSitesJob, "TeamData")[wc.UnknownTimeTeam]; !ok || d.BackedUpTime != nil {
		t.Errorf("team data of the team without a time: %+v", d)
	}
	if tr := truthOf(t, sim, wc.TeamSitesJob, "team"); !tr.OldestBackup.IsZero() || tr.BackedUp == 0 {
		t.Errorf("team truth %+v, want an unknown oldest backup", tr)
	}
	if tr := truthOf(t, sim, wc.SitesJob, "site"); !tr.OldestBackup.Equal(tenantNow.AddDate(-3, 0, 0)) {
		t.Errorf("site truth %+v, want the site backed up three years ago as the oldest", tr)
	}
	// Excluded by the entire-organization job, though its repository holds
	// them.
	entire := sim.HardCases().EntireOrgJob
	ex := items(entire, "ExcludedItems")
	if !hasSite(ex, wc.ExcludedSite) || !hasTeam(ex, wc.ExcludedTeam) {
		t.Errorf("the entire-organization job does not exclude the site and team")
	}
	if _, ok := data(entire, "SiteData")[wc.ExcludedSite]; !ok {
		t.Errorf("the entire-organization job's repository does not hold the excluded site")
	}
	// No archive, and a public folder mailbox's OneDrive that does not count.
	noArchive, public := sim.tenant.address(userIndex(t, sim, wc.NoArchiveUser)), sim.tenant.address(userIndex(t, sim, wc.PublicUser))
	if tr := truthOf(t, sim, wc.UsersJob, "archive"); !slices.Contains(tr.NotBackedUp, noArchive) {
		t.Errorf("archive truth %+v lacks %s, who has none", tr, noArchive)
	}
	if tr := truthOf(t, sim, wc.UsersJob, "onedrive"); slices.Contains(tr.NotBackedUp, public) {
		t.Errorf("onedrive truth %+v counts the public folder mailbox %s", tr, public)
	}
	if tr := truthOf(t, sim, wc.GroupJob, "archive"); tr.InScope == 0 {
		t.Errorf("the group job's members' archives are not in scope: %+v", tr)
	}
}

// userIndex finds a user by its RESTUser id.
func userIndex(t *testing.T, sim *Simulator, id string) int32 {
	t.Helper()
	for i := range sim.tenant.users {
		if sim.userID(int32(i)) == id {
			return int32(i)
		}
	}
	t.Fatalf("no user %s", id)
	return -1
}

// TestSiteAndTeamLists: the lists page through one setId, filter as
// documented, answer 400 to a bad parameter, and are empty without
// Workloads.
func TestSiteAndTeamLists(t *testing.T) {
	sim := New(Options{Versions: allV6Plus, Seed: 2, Tenant: workloadTenant()})
	org := sim.HardCases().OrganizationID
	for _, ver := range allV6Plus {
		c := newVClient(t, newServerFor(t, sim), ver)
		all := decodeAll[wireSite](t, c.all("/Organizations/"+org+"/Sites", 4))
		if len(all) < 12 || len(decodeAll[wireSite](t, c.all("/Organizations/"+org+"/Sites?parentId=root", 5))) != len(all) {
			t.Errorf("%s: %d sites, or parentId=root lists another number", ver, len(all))
		}
		if n := len(c.all("/Organizations/"+org+"/Sites?parentId="+all[0].ID, 5)); n != 0 {
			t.Errorf("%s: %d subsites of a site that has none", ver, n)
		}
		if n := len(c.all("/Organizations/"+org+"/Sites?locationFilter=OnPremises", 5)); n != 0 {
			t.Errorf("%s: %d on-premises sites", ver, n)
		}
		teams := decodeAll[wireTeam](t, c.all("/Organizations/"+org+"/Teams?displayName=Project*", 5))
		if len(teams) != 1 || teams[0].DisplayName != "Project Falcon" {
			t.Errorf("%s: teams named Project*: %+v", ver, teams)
		}
		if st, _ := c.get(c.p + "/Organizations/" + org + "/Sites?includePersonalSites=maybe"); st != http.StatusBadRequest {
			t.Errorf("%s: includePersonalSites=maybe: %d", ver, st)
		}
	}
	plain := New(Options{Versions: allV6Plus, Seed: 2, Tenant: TenantOptions{Now: tenantNow}})
	c := newVClient(t, newServerFor(t, plain), "v8")
	repo := plain.ProtectionTruth()[0].RepositoryID
	for _, path := range []string{"/Organizations/" + org + "/Sites", "/Organizations/" + org + "/Teams",
		"/BackupRepositories/" + repo + "/SiteData", "/BackupRepositories/" + repo + "/TeamData"} {
		if n := len(c.all(path, 10)); n != 0 {
			t.Errorf("%s: %d items without Workloads", path, n)
		}
	}
}
