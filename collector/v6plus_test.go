package collector

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// v6PlusVersions are the API versions whose protection comes from job
// items and repository data.
var v6PlusVersions = []string{"v6", "v7", "v8"}

// versionRun is a server the truth tests run against: an API version and,
// for v8, the minor release whose shapes it serves ("" for the others).
type versionRun struct{ version, release string }

// String names the run in subtest names: v6, v7, v8@8.0, v8@8.4.
func (r versionRun) String() string {
	if r.release == "" {
		return r.version
	}
	return r.version + "@" + r.release
}

// versionRuns are v6PlusVersions with v8 once per minor release: 8.4
// dropped fields of 8.0 and added others (the two v8 schemas), and a
// server of either answers on /v8, so the exporter must be exact on both.
func versionRuns() []versionRun {
	var out []versionRun
	for _, v := range v6PlusVersions {
		if v != "v8" {
			out = append(out, versionRun{version: v})
			continue
		}
		for _, r := range []string{simulator.V8Release80, simulator.V8Release84} {
			out = append(out, versionRun{version: v, release: r})
		}
	}
	return out
}

// v6PlusServer starts a simulator serving the versions a real server of
// the newest one serves (8.x: v6, v7 and v8) and a config for it on auto.
// Every request the exporter sends and every answer the simulator gives is
// checked against Veeam's schema of its version when the test ends.
func v6PlusServer(t *testing.T, newest string, seed int64, tenant simulator.TenantOptions) (config.Server, *simulator.Simulator) {
	t.Helper()
	return v6PlusServerRun(t, versionRun{version: newest}, seed, tenant)
}

// v6PlusServerWith is v6PlusServer with the simulator's options edited
// before it starts.
func v6PlusServerWith(t *testing.T, newest string, seed int64, tenant simulator.TenantOptions, edit func(*simulator.Options)) (config.Server, *simulator.Simulator) {
	t.Helper()
	return newV6PlusServer(t, versionRun{version: newest}, seed, tenant, edit)
}

// v6PlusServerRun is v6PlusServer on run's release, whose v8 schema the
// check of undeclared properties uses.
func v6PlusServerRun(t *testing.T, run versionRun, seed int64, tenant simulator.TenantOptions) (config.Server, *simulator.Simulator) {
	t.Helper()
	return newV6PlusServer(t, run, seed, tenant, nil)
}

func newV6PlusServer(t *testing.T, run versionRun, seed int64, tenant simulator.TenantOptions, edit func(*simulator.Options)) (config.Server, *simulator.Simulator) {
	t.Helper()
	versions := v6PlusVersions[:slices.Index(v6PlusVersions, run.version)+1]
	opts := simulator.Options{Username: "svc-monitor", Password: "sim-password-1", Versions: versions, Seed: seed, Tenant: tenant,
		V8Release: run.release}
	if edit != nil {
		edit(&opts)
	}
	sim := simulator.New(opts)
	v := newReleaseValidator(t, run.release)
	srv := httptest.NewServer(v.Handler(sim))
	// Cleanups run last in, first out: the exporter (registered later)
	// closes first, then the server, which waits for the last exchange,
	// then the check.
	t.Cleanup(func() { v.Check(t) })
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return config.Server{
		Name: "east", URL: config.URL{URL: u}, Username: opts.Username, Password: promconfig.Secret(opts.Password),
		RequestTimeout: model.Duration(5 * time.Second), MaxConcurrentRequests: 4, PageSize: 50,
		MaxResponseBytes: 64 << 20, APIVersion: "auto", UnprotectedMailboxSeries: config.MaxUnprotectedMailboxSeries,
	}, sim
}

// checkTruth fails t unless every job of res was read and has exactly the
// simulator's figures.
func checkTruth(t *testing.T, res *poll.ServerResult, sim *simulator.Simulator) {
	t.Helper()
	if !res.Up {
		t.Fatalf("server down: %v", res.Err)
	}
	truth := sim.ProtectionTruth()
	if len(res.Jobs) != len(truth) {
		t.Fatalf("%d jobs, the simulator has %d", len(res.Jobs), len(truth))
	}
	for i, tr := range truth {
		j := res.Jobs[i]
		if j.ID != tr.JobID || !j.Success {
			t.Fatalf("job %d: %s success=%v err=%v, want %s read", i, j.ID, j.Success, j.Err, tr.JobID)
		}
		var notBackedUp []string
		for _, m := range j.Figures.NotBackedUp {
			notBackedUp = append(notBackedUp, m.Address)
		}
		got := fmt.Sprintf("%d mailboxes, %d backed up, %d unresolved, oldest %v, not backed up %v",
			j.Figures.Mailboxes, j.Figures.BackedUp, j.Figures.Unresolved, j.Figures.OldestBackup.UTC(), notBackedUp)
		want := fmt.Sprintf("%d mailboxes, %d backed up, %d unresolved, oldest %v, not backed up %v",
			tr.Mailboxes, tr.BackedUp, tr.Unresolved, tr.OldestBackup.UTC(), tr.NotBackedUp)
		if got != want {
			t.Errorf("job %q (%s):\n got %s\nwant %s", tr.JobName, tr.BackupType, got, want)
		}
		if j.Job.OrganizationID != tr.OrganizationID || j.Job.RepositoryID != tr.RepositoryID || j.Job.BackupType != tr.BackupType {
			t.Errorf("job %q: organization %q repository %q type %q, want %q %q %q", tr.JobName,
				j.Job.OrganizationID, j.Job.RepositoryID, j.Job.BackupType, tr.OrganizationID, tr.RepositoryID, tr.BackupType)
		}
	}
}

// TestV6PlusMatchesTruth compares every job's figures with the simulator's
// truth over randomized tenants, on each version (v8 of both minor
// releases), at one request in flight and at sixteen.
func TestV6PlusMatchesTruth(t *testing.T) {
	tenants := []simulator.TenantOptions{
		{},
		{Organizations: 2, Users: 150, Repositories: 3},
		{Users: 90, NoEntireOrgJob: true, NoPartialOrgJob: true},
		{Users: 12, GroupSize: 3},
		{Organizations: 3, Users: 60, GroupJobs: 5, UserJobs: 2, UsersPerJob: 9, BackedUpFraction: 0.5},
	}
	for _, run := range versionRuns() {
		for k, tenant := range tenants {
			for _, conc := range []int{1, 16} {
				seed := int64(100*k + conc)
				t.Run(fmt.Sprintf("%s/tenant=%d/seed=%d/concurrency=%d", run, k, seed, conc), func(t *testing.T) {
					s, sim := v6PlusServerRun(t, run, seed, tenant)
					s.MaxConcurrentRequests = conc
					res := newTestExporter(t, s).Poll(context.Background())[0]
					if res.APIVersion != vboapi.Version(run.version) {
						t.Fatalf("API version %q, want %q", res.APIVersion, run.version)
					}
					checkTruth(t, res, sim)
				})
			}
		}
	}
}

// TestV6PlusHardCases names each hard case of the default tenant, so that a
// regression says which rule broke.
func TestV6PlusHardCases(t *testing.T) {
	s, sim := v6PlusServer(t, "v8", 1, simulator.TenantOptions{})
	res := newTestExporter(t, s).Poll(context.Background())[0]
	checkTruth(t, res, sim)
	hc := sim.HardCases()
	job := func(id string) *poll.JobResult {
		for _, j := range res.Jobs {
			if strings.EqualFold(j.ID, id) {
				return j
			}
		}
		t.Fatalf("no job %s", id)
		return nil
	}
	for name, id := range map[string]string{
		"entire organization": hc.EntireOrgJob, "partial organization": hc.PartialOrgJob,
		"excluded member": hc.ExcludedMemberJob, "cycle": hc.CycleJob, "two repositories": hc.TwoRepoNotBackedUpJob,
		"shared and public": hc.SharedJob, "long ago": hc.LongAgoJob, "absent": hc.AbsentJob,
	} {
		if id == "" {
			t.Errorf("the default tenant lacks the %s case", name)
			continue
		}
		if j := job(id); !j.Success || j.Figures.Mailboxes == 0 {
			t.Errorf("%s: %+v", name, j)
		}
	}
	if j := job(hc.ExternalJob); j.Figures.Unresolved == 0 {
		t.Errorf("the guest member %s is not counted as unresolved", hc.ExternalLogin)
	}
	if j := job(hc.CycleJob); j.Figures.Unresolved == 0 {
		t.Errorf("the missing nested group %q is not counted as unresolved", hc.MissingGroupName)
	}
	if j := job(hc.LongAgoJob); j.Figures.OldestBackup.After(time.Now().AddDate(-3, 0, 0)) {
		t.Errorf("the job holding a mailbox backed up years ago reports its oldest backup at %v", j.Figures.OldestBackup)
	}
}

// TestV6PlusReadsEachListOnce: a refresh reads the organization's users, each
// repository's data and each group's members once, whatever the number of
// jobs that need them.
func TestV6PlusReadsEachListOnce(t *testing.T) {
	s, sim := v6PlusServer(t, "v8", 7, simulator.TenantOptions{Users: 120})
	s.PageSize = 1000 // one page per list
	e := newTestExporter(t, s)
	checkTruth(t, e.Poll(context.Background())[0], sim)
	truth := sim.ProtectionTruth()
	repos := map[string]bool{}
	for _, tr := range truth {
		repos[tr.RepositoryID] = true
	}
	if n := sim.Requests(simulator.EndpointUsers); n != 1 {
		t.Errorf("%d requests for the organization's users, want 1", n)
	}
	if n := sim.Requests(simulator.EndpointUserData); n != int64(len(repos)) {
		t.Errorf("%d requests for user data, want one per repository (%d)", n, len(repos))
	}
	if n, jobs := sim.Requests(simulator.EndpointExcludedItems), len(truth); n != int64(jobs) {
		t.Errorf("%d requests for excluded items, want one per job (%d)", n, jobs)
	}
	members, groups := sim.Requests(simulator.EndpointGroupMembers), sim.Requests(simulator.EndpointGroups)
	sim.ResetCounters()
	checkTruth(t, e.Poll(context.Background())[0], sim)
	if again := sim.Requests(simulator.EndpointGroupMembers); again != members || members == 0 {
		t.Errorf("group members: %d requests, then %d; a refresh reads each group once", members, again)
	}
	if again := sim.Requests(simulator.EndpointGroups); again != groups {
		t.Errorf("group look-ups: %d requests, then %d", groups, again)
	}
}
