package protection

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// workTenant is one organization with every workload's hard case: a
// public and a shared mailbox, a user whose archive is not backed up, a
// Microsoft 365 group whose site the group names by URL only (in another
// case and with a trailing slash), a site in two jobs on two repositories,
// an excluded site, a team, personal sites, and an entire-organization job
// that leaves out every other job's objects workload by workload.
func workTenant() (*fakeAPI, []vboapi.Job) {
	f := newFake()
	for _, u := range []string{"ann", "bob", "cat", "dan", "eve"} {
		f.users["org"] = append(f.users["org"], vboapi.User{ID: "id-" + u, Name: u + "@example.com", Type: "User"})
	}
	f.users["org"] = append(f.users["org"],
		vboapi.User{ID: "id-pf", Name: "pf@example.com", Type: "Public"},
		vboapi.User{ID: "id-sh", Name: "sh@example.com", Type: "Shared"})
	f.members["g-sales"] = []vboapi.GroupMember{
		{Login: "bob@example.com", Type: "User"},
		{Login: "cat@example.com", Type: "User"},
		{Login: "guest@partner.example", Type: "User"}, // matches no user
		{Name: "missing", Type: "Group"},               // no such group
	}
	f.sites["org"] = []vboapi.Site{
		{ID: "s-mkt", URL: "https://x.sharepoint.com/sites/Marketing", Title: "Marketing"},
		{ID: "s-sales", URL: "https://x.sharepoint.com/sites/Sales", Title: "Sales"},
		{ID: "s-hr", URL: "https://x.sharepoint.com/sites/HR", Title: "HR"},
		{ID: "s-it", URL: "https://x.sharepoint.com/sites/IT", Title: "IT"},
	}
	f.teams["org"] = []vboapi.Team{{ID: "t-sales", Mail: "Sales@example.com"}, {ID: "t-ops", Mail: "ops@example.com"}}
	mkt := &vboapi.Site{ID: "s-mkt", URL: "https://x.sharepoint.com/sites/Marketing"}
	hr := &vboapi.Site{ID: "s-hr", URL: "https://x.sharepoint.com/sites/HR"}
	f.selected["users"] = []vboapi.JobItem{
		{Type: vboapi.ItemUser, User: &f.users["org"][0], Mailbox: true, ArchiveMailbox: true, OneDrive: true, PersonalSite: true},
		{Type: vboapi.ItemUser, User: &f.users["org"][1], ArchiveMailbox: true},
		{Type: vboapi.ItemUser, User: &f.users["org"][5], Mailbox: true, OneDrive: true, PersonalSite: true}, // public
		{Type: vboapi.ItemUser, User: &f.users["org"][6], OneDrive: true},                                    // shared
	}
	f.selected["group"] = []vboapi.JobItem{
		{Type: vboapi.ItemGroup, Group: &vboapi.Group{ID: "g-sales", Site: "https://X.sharepoint.com/sites/sales/"},
			Members: true, MemberArchiveMailbox: true, GroupSite: true},
		{Type: vboapi.ItemTeam, Team: &vboapi.Team{ID: "t-sales", Mail: "Sales@example.com"}},
		{Type: vboapi.ItemSite, Site: mkt},
	}
	f.selected["sites"] = []vboapi.JobItem{{Type: vboapi.ItemSite, Site: mkt}, {Type: vboapi.ItemSite, Site: hr}}
	f.excluded["entire"] = []vboapi.JobItem{
		{Type: vboapi.ItemSite, Site: hr},
		{Type: vboapi.ItemUser, User: &f.users["org"][4], Mailbox: true, ArchiveMailbox: true},
	}
	f.data["r1"] = []vboapi.UserData{
		{ID: "id-ann", MailboxBackedUp: true, MailboxTime: t0, OneDriveBackedUp: true, OneDriveTime: t1,
			PersonalSiteBackedUp: true}, // no archive; the personal site without a time
		{ID: "id-bob", ArchiveBackedUp: true, ArchiveTime: t0},
	}
	f.data["r2"] = []vboapi.UserData{
		{ID: "id-cat", ArchiveBackedUp: true, ArchiveTime: t0},
		{ID: "id-dan", MailboxBackedUp: true, MailboxTime: t0, ArchiveBackedUp: true, ArchiveTime: t0,
			OneDriveBackedUp: true, OneDriveTime: t0, PersonalSiteBackedUp: true, PersonalSiteTime: t1},
		{ID: "id-bob", ArchiveBackedUp: false},
	}
	f.siteData["r1"] = []vboapi.SiteData{
		{ID: "s-mkt", URL: "https://x.sharepoint.com/sites/Marketing", BackedUpTime: t0},
		{ID: "s-hr", URL: "https://x.sharepoint.com/sites/HR", BackedUpTime: t1},
	}
	f.siteData["r2"] = []vboapi.SiteData{{ID: "s-sales", URL: "https://x.sharepoint.com/sites/Sales", BackedUpTime: t0}}
	f.teamData["r2"] = []vboapi.TeamData{{ID: "t-sales", BackedUpTime: t0}}
	jobs := []vboapi.Job{
		{ID: "users", BackupType: "SelectedItems", OrganizationID: "org", RepositoryID: "r1"},
		{ID: "group", BackupType: "SelectedItems", OrganizationID: "org", RepositoryID: "r2"},
		{ID: "sites", BackupType: "SelectedItems", OrganizationID: "org", RepositoryID: "r1"},
		{ID: "entire", BackupType: "EntireOrganization", OrganizationID: "org", RepositoryID: "r2"},
	}
	return f, jobs
}

func computeWork(f *fakeAPI, jobs []vboapi.Job, ws WorkloadSet) []Result {
	want := make([]*vboapi.Job, len(jobs))
	for i := range jobs {
		want[i] = &jobs[i]
	}
	return Compute(context.Background(), f, jobs, want, Options{PageSize: 10, KeepNotBackedUp: 10, Workloads: ws})
}

// brief is a workload's figures on one line: in scope, backed up,
// unresolved, the oldest backup (day of the month, "-" for none) and the
// unprotected addresses.
func brief(w WorkloadResult) string {
	if w.Err != nil {
		return "error: " + w.Err.Error()
	}
	oldest := "-"
	if !w.OldestBackup.IsZero() {
		oldest = fmt.Sprint(w.OldestBackup.Year())
	}
	var un []string
	for _, o := range w.NotBackedUp {
		un = append(un, o.Address)
	}
	return fmt.Sprintf("%d/%d/%d %s %v", w.InScope, w.BackedUp, w.Unresolved, oldest, un)
}

func checkBriefs(t *testing.T, jobs []vboapi.Job, got []Result, want map[string][NumWorkloads]string) {
	t.Helper()
	for k, j := range jobs {
		if got[k].Err != nil {
			t.Errorf("job %s: %v", j.ID, got[k].Err)
			continue
		}
		for w := range numWorkloads {
			if g := brief(got[k].Workloads[w]); g != want[j.ID][w] {
				t.Errorf("job %s, %s: got  %s\n%*s want %s", j.ID, w, g, len(j.ID)+len(w.String())+8, "", want[j.ID][w])
			}
		}
	}
}

// TestWorkloadScopes checks every workload of every job of workTenant.
// t0 is 2026, t1 2021.
func TestWorkloadScopes(t *testing.T) {
	f, jobs := workTenant()
	got := computeWork(f, jobs, AllWorkloads)
	checkBriefs(t, jobs, got, map[string][NumWorkloads]string{
		// bob's mailbox flag is false; the public mailbox has no OneDrive
		// and no personal site; the shared one's OneDrive counts; ann has
		// no archive backed up, and her personal site no time.
		"users": {"2/1/0 2026 [pf@example.com]", "2/1/0 2026 [ann@example.com]", "2/1/0 2021 [sh@example.com]",
			"1/1/0 - []", "0/0/0 - []", "0/0/0 - []"},
		// The members' archives (the guest unresolved, the missing group
		// counted), the group's own site (by URL: the organization's
		// Sales site), the team, and Marketing, backed up in r1 only.
		"group": {"0/0/0 - []", "3/1/2 2026 [bob@example.com guest@partner.example]", "0/0/0 - []", "0/0/0 - []",
			"2/1/0 2026 [https://x.sharepoint.com/sites/marketing]", "1/1/0 2026 []"},
		"sites": {"0/0/0 - []", "0/0/0 - []", "0/0/0 - []", "0/0/0 - []", "2/2/0 2021 []", "0/0/0 - []"},
		// Everything of the organization less eve's mailbox and archive
		// and the HR site (excluded), less what the other jobs hold,
		// workload by workload.
		"entire": {"4/1/0 2026 [bob@example.com cat@example.com sh@example.com]",
			"3/1/0 2026 [pf@example.com sh@example.com]",
			"4/1/0 2026 [bob@example.com cat@example.com eve@example.com]",
			"5/1/0 2021 [bob@example.com cat@example.com eve@example.com sh@example.com]",
			"1/0/0 - [https://x.sharepoint.com/sites/it]", "1/0/0 - [ops@example.com]"},
	})
	for k, j := range jobs {
		legacy := WorkloadResult{InScope: got[k].Mailboxes, BackedUp: got[k].BackedUp, Unresolved: got[k].Unresolved,
			OldestBackup: got[k].OldestBackup, NotBackedUp: got[k].NotBackedUp}
		if brief(got[k].Workloads[WorkloadMailbox]) != brief(legacy) {
			t.Errorf("job %s: the mailbox workload %s differs from the mailbox fields %s", j.ID,
				brief(got[k].Workloads[WorkloadMailbox]), brief(legacy))
		}
	}
	for key, n := range f.calls {
		if n != 1 {
			t.Errorf("%s read %d times, want once", key, n)
		}
	}
}

// TestWorkloadsOffReadsNoMore: without workloads, Result.Workloads stays
// zero and no site or team list is read; with the user workloads alone,
// nothing is read that the mailboxes do not read.
func TestWorkloadsOffReadsNoMore(t *testing.T) {
	f, jobs := tenant()
	off := compute(f, jobs, 10)
	for k := range off {
		if !reflect.DeepEqual(off[k].Workloads, [NumWorkloads]WorkloadResult{}) {
			t.Errorf("job %s: workload figures without workloads: %+v", jobs[k].ID, off[k].Workloads)
		}
	}
	f2, jobs2 := tenant()
	users := WorkloadsOf(WorkloadMailbox, WorkloadArchive, WorkloadOneDrive, WorkloadPersonalSite)
	on := computeWork(f2, jobs2, users)
	if !maps.Equal(f.calls, f2.calls) {
		t.Errorf("calls with the user workloads %v, without %v", f2.calls, f.calls)
	}
	for k := range on {
		on[k].Workloads = [NumWorkloads]WorkloadResult{}
		if fmt.Sprint(on[k]) != fmt.Sprint(off[k]) {
			t.Errorf("job %s: mailbox figures %+v with workloads, %+v without", jobs[k].ID, on[k], off[k])
		}
	}
	f3, jobs3 := workTenant()
	computeWork(f3, jobs3, WorkloadsOf(WorkloadArchive))
	for key := range f3.calls {
		if strings.HasPrefix(key, "site") || strings.HasPrefix(key, "team") {
			t.Errorf("%s read, but neither sites nor teams are wanted", key)
		}
	}
}

// TestGroupSiteByURLAlone: with no list naming the group's site by id, its
// URL still finds the repository's entry, whatever its case and trailing
// slash.
func TestGroupSiteByURLAlone(t *testing.T) {
	f, jobs := workTenant()
	got := computeWork(f, jobs[1:2], AllWorkloads)[0]
	if _, read := f.calls["sites/org"]; read {
		t.Errorf("the organization's sites were read for a job without an organization item")
	}
	if g, want := brief(got.Workloads[WorkloadSite]), "2/1/0 2026 [https://x.sharepoint.com/sites/marketing]"; g != want {
		t.Errorf("group job sites: got %s, want %s", g, want)
	}
}

// TestSiteAndTeamListsFailTheirWorkloadOnly: a site or team list that
// cannot be read leaves that workload without figures, and the job's
// others as they are.
func TestSiteAndTeamListsFailTheirWorkloadOnly(t *testing.T) {
	for key, w := range map[string]Workload{"sites/org": WorkloadSite, "teams/org": WorkloadTeam, "sitedata/r1": WorkloadSite, "teamdata/r2": WorkloadTeam} {
		f, jobs := workTenant()
		f.fail[key] = true
		got := computeWork(f, jobs, AllWorkloads)
		failed := 0
		for k, j := range jobs {
			if got[k].Err != nil {
				t.Errorf("%s failing: job %s failed whole: %v", key, j.ID, got[k].Err)
			}
			for x := range numWorkloads {
				err := got[k].Workloads[x].Err
				if err != nil && (x != w || !errors.Is(err, errFake)) {
					t.Errorf("%s failing: job %s, %s: %v", key, j.ID, x, err)
				}
				if err != nil {
					failed++
				}
			}
		}
		if failed == 0 {
			t.Errorf("%s failing failed no job's %s", key, w)
		}
	}
}

// TestPartialOrganizationWorkloads: an organization item adds every user's
// workloads by its flags (its Sites option the personal sites too), the
// organization's sites and teams; a PersonalSites item every user's
// personal site.
func TestPartialOrganizationWorkloads(t *testing.T) {
	f, jobs := workTenant()
	f.selected["users"] = []vboapi.JobItem{{Type: vboapi.ItemPartialOrganization, ArchiveMailbox: true, Sites: true, Teams: true}}
	f.selected["sites"] = []vboapi.JobItem{{Type: vboapi.ItemPersonalSites}}
	got := computeWork(f, jobs, AllWorkloads)
	checkBriefs(t, jobs[0:1], got[0:1], map[string][NumWorkloads]string{
		"users": {"0/0/0 - []", "7/1/0 2026 [ann@example.com cat@example.com dan@example.com eve@example.com pf@example.com sh@example.com]",
			"0/0/0 - []", "6/1/0 - [bob@example.com cat@example.com dan@example.com eve@example.com sh@example.com]",
			"4/2/0 2021 [https://x.sharepoint.com/sites/it https://x.sharepoint.com/sites/sales]",
			"2/0/0 - [ops@example.com sales@example.com]"},
	})
	checkBriefs(t, jobs[2:3], got[2:3], map[string][NumWorkloads]string{
		"sites": {"0/0/0 - []", "0/0/0 - []", "0/0/0 - []",
			"6/1/0 - [bob@example.com cat@example.com dan@example.com eve@example.com sh@example.com]", "0/0/0 - []", "0/0/0 - []"},
	})
}

// TestWorkloadDoubtAndOrder: entries that disagree about one workload make
// it not backed up without touching the others, and the figures do not
// depend on whether the user data arrives before the users or after.
func TestWorkloadDoubtAndOrder(t *testing.T) {
	var runs [][]Result
	for _, order := range []string{"users first", "data first"} {
		f, jobs := workTenant()
		f.order = order
		f.dataLeft.Add(2)
		f.data["r2"] = append(f.data["r2"],
			vboapi.UserData{ID: "id-dan", MailboxBackedUp: true, MailboxTime: t1, ArchiveBackedUp: false,
				OneDriveBackedUp: true, OneDriveTime: t0, PersonalSiteBackedUp: true, PersonalSiteTime: t1},
			vboapi.UserData{ID: "other-id", Email: "SH@example.com", OneDriveBackedUp: true, OneDriveTime: t1})
		runs = append(runs, computeWork(f, jobs, AllWorkloads))
	}
	entire := runs[1][3].Workloads
	want := []string{"4/1/0 2021 [bob@example.com cat@example.com sh@example.com]", "3/0/0 - [dan@example.com pf@example.com sh@example.com]"}
	for w, s := range want {
		if g := brief(entire[w]); g != s {
			t.Errorf("entire, %s: got %s, want %s", Workload(w), g, s)
		}
	}
	if fmt.Sprint(runs[0]) != fmt.Sprint(runs[1]) {
		t.Errorf("users first: %+v\ndata first:  %+v", runs[0], runs[1])
	}
}

// TestWorkloadNames: the label values.
func TestWorkloadNames(t *testing.T) {
	var got []string
	AllWorkloads.each(func(w Workload) { got = append(got, w.String()) })
	if want := []string{"mailbox", "archive", "onedrive", "personal_site", "site", "team"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if len(got) != NumWorkloads {
		t.Errorf("%d workloads, NumWorkloads %d", len(got), NumWorkloads)
	}
}

// meetingAPI holds the organization's users until its sites and its teams
// have both been asked for, and the sites until the teams have: the
// three lists only meet when they are read side by side.
type meetingAPI struct {
	*fakeAPI
	sitesAsked, teamsAsked chan struct{}
}

func (m *meetingAPI) OrganizationUsers(ctx context.Context, org string, n int, each func(*vboapi.User) error) error {
	<-m.sitesAsked
	<-m.teamsAsked
	return m.fakeAPI.OrganizationUsers(ctx, org, n, each)
}

func (m *meetingAPI) OrganizationSites(ctx context.Context, org string, n int, each func(*vboapi.Site) error) error {
	close(m.sitesAsked)
	<-m.teamsAsked
	return m.fakeAPI.OrganizationSites(ctx, org, n, each)
}

func (m *meetingAPI) OrganizationTeams(ctx context.Context, org string, n int, each func(*vboapi.Team) error) error {
	close(m.teamsAsked)
	return m.fakeAPI.OrganizationTeams(ctx, org, n, each)
}

// TestEntireOrganizationReadsListsSideBySide: the site and team lists of
// an entire-organization job wait neither for the users nor for each
// other (a computation read one after the other would block for ever, which
// the bubble reports as a deadlock), and the figures are those of a
// computation that reads them in turn.
func TestEntireOrganizationReadsListsSideBySide(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, jobs := workTenant()
		jobs = jobs[3:] // the entire-organization job alone
		m := &meetingAPI{fakeAPI: f, sitesAsked: make(chan struct{}), teamsAsked: make(chan struct{})}
		want := []*vboapi.Job{&jobs[0]}
		got := Compute(context.Background(), m, jobs, want, Options{PageSize: 10, KeepNotBackedUp: 10, Workloads: AllWorkloads})
		f2, _ := workTenant()
		serial := computeWork(f2, jobs, AllWorkloads)
		for w := range NumWorkloads {
			if g, s := brief(got[0].Workloads[w]), brief(serial[0].Workloads[w]); g != s {
				t.Errorf("%s: %s side by side, %s in turn", Workload(w), g, s)
			}
		}
	})
}
