package protection_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/go-kit/log"

	"github.com/vbo365-exporter/vbo365_exporter/contract"
	"github.com/vbo365-exporter/vbo365_exporter/protection"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// everyUnprotected keeps every unprotected object, so that the lists
// compare whole with the truth.
const everyUnprotected = 1 << 20

// simulated computes every job's protection, every workload, from a
// simulator serving v6, v7 and v8 over HTTP, through a client pinned to
// version v. Every exchange is checked against Veeam's schema of its
// version when the test ends.
func simulated(t *testing.T, v vboapi.Version, seed int64, tenant simulator.TenantOptions, conc int) (*simulator.Simulator, []vboapi.Job, []protection.Result) {
	t.Helper()
	sim, c, jobs := simClient(t, v, seed, tenant, conc)
	return sim, jobs, computeAll(c, jobs, protection.AllWorkloads)
}

// simClient starts the simulator and a client of it, and reads the jobs.
func simClient(t *testing.T, v vboapi.Version, seed int64, tenant simulator.TenantOptions, conc int) (*simulator.Simulator, *vboapi.Client, []vboapi.Job) {
	t.Helper()
	tenant.Now = time.Date(2026, 11, 30, 22, 0, 0, 0, time.UTC)
	sim := simulator.New(simulator.Options{Username: "svc", Password: "pw", Versions: []string{"v6", "v7", "v8"}, Seed: seed, Tenant: tenant})
	validator, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(validator.Handler(sim))
	t.Cleanup(func() { validator.Check(t) })
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c, err := vboapi.New(vboapi.Options{Server: "sim", APIVersion: v, BaseURL: u, Username: "svc", Password: "pw",
		RequestTimeout: 10 * time.Second, MaxConcurrent: conc, MaxResponseBytes: 64 << 20, Logger: log.NewNopLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	jobs, err := c.Jobs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sim, c, jobs
}

// computeAll computes every job, keeping every unprotected object.
func computeAll(c *vboapi.Client, jobs []vboapi.Job, ws protection.WorkloadSet) []protection.Result {
	want := make([]*vboapi.Job, len(jobs))
	for i := range jobs {
		want[i] = &jobs[i]
	}
	return protection.Compute(context.Background(), c, jobs, want, protection.Options{PageSize: 37,
		KeepNotBackedUp: everyUnprotected, Workloads: ws})
}

// figures is a workload's figures as one comparable line.
func figures(inScope, backedUp, unresolved int, oldest time.Time, notBackedUp []string) string {
	return fmt.Sprintf("%d in scope, %d backed up, %d unresolved, oldest %v, not backed up %v",
		inScope, backedUp, unresolved, oldest.UTC(), notBackedUp)
}

func addresses(objects []protection.Object) []string {
	var out []string
	for _, o := range objects {
		out = append(out, o.Address)
	}
	return out
}

// checkWorkloadTruth fails t unless every job has exactly the simulator's
// figures for every workload, and the mailbox fields its mailbox truth.
func checkWorkloadTruth(t *testing.T, sim *simulator.Simulator, jobs []vboapi.Job, res []protection.Result) {
	t.Helper()
	truth := sim.WorkloadTruth()
	if len(truth) != len(jobs)*protection.NumWorkloads {
		t.Fatalf("%d truths for %d jobs", len(truth), len(jobs))
	}
	for k, j := range jobs {
		if res[k].Err != nil {
			t.Errorf("job %q: %v", j.Name, res[k].Err)
			continue
		}
		for w := range protection.NumWorkloads {
			tr := truth[k*protection.NumWorkloads+w]
			got := res[k].Workloads[w]
			if tr.JobID != j.ID || tr.Workload != protection.Workload(w).String() {
				t.Fatalf("truth %d is job %s %s, want job %s %s", k*protection.NumWorkloads+w, tr.JobID, tr.Workload, j.ID, protection.Workload(w))
			}
			if got.Err != nil {
				t.Errorf("job %q, %s: %v", j.Name, tr.Workload, got.Err)
				continue
			}
			g := figures(got.InScope, got.BackedUp, got.Unresolved, got.OldestBackup, addresses(got.NotBackedUp))
			want := figures(tr.InScope, tr.BackedUp, tr.Unresolved, tr.OldestBackup, tr.NotBackedUp)
			if g != want {
				t.Errorf("job %q, %s:\n got %s\nwant %s", j.Name, tr.Workload, g, want)
			}
		}
		m := res[k].Workloads[protection.WorkloadMailbox]
		legacy := figures(res[k].Mailboxes, res[k].BackedUp, res[k].Unresolved, res[k].OldestBackup, addresses(res[k].NotBackedUp))
		if g := figures(m.InScope, m.BackedUp, m.Unresolved, m.OldestBackup, addresses(m.NotBackedUp)); g != legacy {
			t.Errorf("job %q: the mailbox workload %s, the mailbox fields %s", j.Name, g, legacy)
		}
	}
}

// TestWorkloadsMatchSimulatorTruth compares every workload of every job
// with the simulator's truth over randomized tenants, with and without the
// simulator's sites and teams, on each version, at one request in flight
// and at eight.
func TestWorkloadsMatchSimulatorTruth(t *testing.T) {
	tenants := []simulator.TenantOptions{
		{Workloads: true},
		{Workloads: true, Organizations: 2, Users: 90, Repositories: 3, Sites: 20, Teams: 9},
		{Workloads: true, Users: 70, NoEntireOrgJob: true, NoPartialOrgJob: true},
		{Workloads: true, Users: 30, GroupSize: 4, Repositories: 1, BackedUpFraction: 0.4},
		{Workloads: true, Organizations: 3, Users: 50, GroupJobs: 4, UserJobs: 2, UsersPerJob: 8, BackedUpFraction: 0.6},
		{Users: 80}, // no sites or teams: the user workloads of the plain tenant
	}
	for _, v := range []vboapi.Version{vboapi.V6, vboapi.V7, vboapi.V8} {
		for k, tenant := range tenants {
			for _, conc := range []int{1, 8} {
				seed := int64(31*k + conc)
				t.Run(fmt.Sprintf("%s/tenant=%d/seed=%d/concurrency=%d", v, k, seed, conc), func(t *testing.T) {
					sim, jobs, res := simulated(t, v, seed, tenant, conc)
					checkWorkloadTruth(t, sim, jobs, res)
				})
			}
		}
	}
}

// TestWorkloadsCost: a warm computation with the sites and teams sends exactly
// the requests a computation of the mailboxes alone sends, plus one page of the
// organization's sites and teams and of each repository's site and team
// data (the lists are shorter than a page); with every workload, also the
// members of the one group whose item takes its members' OneDrives but not
// their mailboxes (the cycle job's plain group).
func TestWorkloadsCost(t *testing.T) {
	sim, c, jobs := simClient(t, vboapi.V8, 3, simulator.TenantOptions{Workloads: true, Users: 120}, 4)
	counts := func() map[string]int64 {
		out := map[string]int64{}
		for _, ep := range simulator.Endpoints {
			out[ep] = sim.Requests(ep)
		}
		return out
	}
	delta := func(ws protection.WorkloadSet) map[string]int64 {
		before := counts()
		for _, r := range computeAll(c, jobs, ws) {
			if r.Err != nil {
				t.Fatal(r.Err)
			}
		}
		out := counts()
		for ep := range out {
			out[ep] -= before[ep]
		}
		return out
	}
	delta(protection.AllWorkloads) // cold: the client learns the lists' lengths
	mailboxes := delta(0)
	sitesAndTeams := delta(protection.WorkloadsOf(protection.WorkloadSite, protection.WorkloadTeam))
	all := delta(protection.AllWorkloads)
	// One organization, two repositories.
	extra := map[string]int64{simulator.EndpointSites: 1, simulator.EndpointTeams: 1,
		simulator.EndpointSiteData: 2, simulator.EndpointTeamData: 2}
	for _, ep := range simulator.Endpoints {
		if sitesAndTeams[ep] != mailboxes[ep]+extra[ep] {
			t.Errorf("%s: %d requests with sites and teams, %d with the mailboxes alone, want %d more",
				ep, sitesAndTeams[ep], mailboxes[ep], extra[ep])
		}
	}
	extra[simulator.EndpointGroupMembers] = 1
	for _, ep := range simulator.Endpoints {
		if all[ep] != mailboxes[ep]+extra[ep] {
			t.Errorf("%s: %d requests with every workload, %d with the mailboxes alone, want %d more",
				ep, all[ep], mailboxes[ep], extra[ep])
		}
	}
}
