package collector

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/internal/memnet"
	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// v6PlusFault is one row of the v6–v8 fault matrix: a fault on one
// endpoint, and what it may lead to.
type v6PlusFault struct {
	name  string
	fault simulator.Fault
	want  outcome
}

// v6PlusFaults spoils each endpoint a v6–v8 poll reads in every way the
// simulator can: retried faults must leave every job exact, the others fail
// the jobs that need the endpoint (or the server, for the job list and the
// login), and nothing may ever be a wrong count.
func v6PlusFaults() []v6PlusFault {
	var out []v6PlusFault
	for _, ep := range []string{
		simulator.EndpointJobs, simulator.EndpointServiceInstance, simulator.EndpointOrganizations,
		simulator.EndpointOrganizationJobs, simulator.EndpointSelectedItems, simulator.EndpointExcludedItems,
		simulator.EndpointUsers, simulator.EndpointGroups, simulator.EndpointGroupMembers, simulator.EndpointUserData,
	} {
		for _, f := range []struct {
			name  string
			fault simulator.Fault
			want  outcome
		}{
			{"503 once", simulator.Fault{Kind: simulator.StatusError, Status: 503, Requests: []int{1}}, allExact},
			{"429 once", simulator.Fault{Kind: simulator.TooManyRequests, RetryAfter: 10 * time.Millisecond, Requests: []int{1}}, allExact},
			{"reset mid-body once", simulator.Fault{Kind: simulator.ResetMidBody, Requests: []int{1}}, allExact},
			{"truncated once", simulator.Fault{Kind: simulator.Truncated, Requests: []int{1}}, allExact},
			{"revoked once", simulator.Fault{Kind: simulator.Revoked, Requests: []int{1}}, allExact},
			{"500 always", simulator.Fault{Kind: simulator.StatusError, Status: 500}, exactOrFails},
			{"malformed JSON", simulator.Fault{Kind: simulator.MalformedJSON}, exactOrFails},
			{"HTML error page", simulator.Fault{Kind: simulator.HTMLError}, exactOrFails},
			{"huge body", simulator.Fault{Kind: simulator.HugeBody, Size: 3 << 20}, exactOrFails},
		} {
			f.fault.Endpoint = ep
			out = append(out, v6PlusFault{name: ep + "/" + f.name, fault: f.fault, want: f.want})
		}
	}
	// Paging faults, on every paged list a poll reads: a server that
	// ignores the offset is caught at its second page, and a repeat in a
	// users or members snapshot fails the list. (A repeat in a
	// repository's user data is not caught: the entry it stands in for
	// counts as not backed up, the safe side; docs/fault-matrix.md.)
	for _, ep := range []string{simulator.EndpointUsers, simulator.EndpointGroupMembers, simulator.EndpointUserData,
		simulator.EndpointJobs, simulator.EndpointSelectedItems, simulator.EndpointExcludedItems, simulator.EndpointOrganizations} {
		out = append(out, v6PlusFault{ep + "/ignore offset", simulator.Fault{Endpoint: ep, Kind: simulator.IgnoreOffset}, exactOrFails})
	}
	for _, ep := range []string{simulator.EndpointUsers, simulator.EndpointGroupMembers} {
		out = append(out, v6PlusFault{ep + "/duplicate ids", simulator.Fault{Endpoint: ep, Kind: simulator.DuplicateIDs}, exactOrFails})
	}
	out = append(out,
		v6PlusFault{"token/503 once", simulator.Fault{Endpoint: simulator.EndpointToken, Kind: simulator.StatusError, Status: 503, Requests: []int{1}}, allExact},
		v6PlusFault{"token/refused", simulator.Fault{Endpoint: simulator.EndpointToken, Kind: simulator.StatusError, Status: 400}, serverDown},
	)
	return out
}

// TestV6PlusFaultMatrix: under every fault, each job's figures are exact or
// the job is flagged (success 0, no counts), on v6, v7 and v8, at one
// request in flight and at sixteen.
func TestV6PlusFaultMatrix(t *testing.T) {
	for _, v := range v6PlusVersions {
		for _, fc := range v6PlusFaults() {
			if fc.fault.Endpoint == simulator.EndpointOrganizationJobs && v == "v8" {
				continue // v8 has no such path
			}
			for _, conc := range []int{1, 16} {
				t.Run(fmt.Sprintf("%s/%s/concurrency=%d", v, fc.name, conc), func(t *testing.T) {
					t.Parallel()
					// Backoffs and Retry-After pass at once on the bubble's
					// fake clock, over an in-memory network.
					synctest.Test(t, func(t *testing.T) {
						res, sim := pollUnderFault(t, v, simulator.TenantOptions{Users: 80, Organizations: 2}, fc.fault, conc, nil)
						checkV6PlusNeverWrong(t, res, sim, fc.want)
					})
				})
			}
		}
	}
}

// pollUnderFault polls once, inside a synctest bubble, a v6–v8 server of
// tenant with fault f, at conc requests in flight, a 2 s request timeout
// and 1 MiB bodies; prepare, when not nil, sets more of the server entry.
func pollUnderFault(t *testing.T, v string, tenant simulator.TenantOptions, f simulator.Fault, conc int,
	prepare func(*config.Server)) (*poll.ServerResult, *simulator.Simulator) {
	t.Helper()
	s, sim, n := memV6PlusServer(t, v, 3, tenant)
	s.MaxConcurrentRequests = conc
	s.MaxResponseBytes = 1 << 20
	s.RequestTimeout = model.Duration(2 * time.Second)
	if prepare != nil {
		prepare(&s)
	}
	sim.AddFault(f)
	e := memExporter(t, n, nil, s)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return e.Poll(ctx)[0], sim
}

// memV6PlusServer is v6PlusServer on a memNet, without the schema check
// (faults break the contract on purpose); call it inside a synctest bubble.
func memV6PlusServer(t *testing.T, newest string, seed int64, tenant simulator.TenantOptions) (config.Server, *simulator.Simulator, *memnet.Listener) {
	t.Helper()
	versions := v6PlusVersions[:slices.Index(v6PlusVersions, newest)+1]
	opts := simulator.Options{Username: "svc-monitor", Password: "sim-password-1", Versions: versions, Seed: seed, Tenant: tenant}
	sim := simulator.New(opts)
	n := memnet.Serve(t, sim)
	return config.Server{
		Name: "east", URL: config.URL{URL: memnet.URL}, Username: opts.Username, Password: promconfig.Secret(opts.Password),
		RequestTimeout: model.Duration(5 * time.Second), MaxConcurrentRequests: 4, PageSize: 50,
		MaxResponseBytes: 64 << 20, APIVersion: "auto", UnprotectedMailboxSeries: config.MaxUnprotectedMailboxSeries,
	}, sim, n
}

// checkV6PlusNeverWrong fails t for a wrong count, a job that succeeded
// with an error or failed without one, and an outcome other than want.
func checkV6PlusNeverWrong(t *testing.T, res *poll.ServerResult, sim *simulator.Simulator, want outcome) {
	t.Helper()
	if want == serverDown {
		if res.Up || res.Err == nil {
			t.Fatalf("want the server down, got up=%v err=%v", res.Up, res.Err)
		}
		return
	}
	if !res.Up {
		if want == allExact {
			t.Fatalf("server down: %v", res.Err)
		}
		return
	}
	truth := map[string]simulator.ProtectionTruth{}
	for _, tr := range sim.ProtectionTruth() {
		truth[tr.JobID] = tr
	}
	if len(res.Jobs) != len(truth) {
		t.Fatalf("%d jobs reported, the server has %d", len(res.Jobs), len(truth))
	}
	for _, j := range res.Jobs {
		tr := truth[j.ID]
		switch {
		case !j.Success && j.Err == nil:
			t.Errorf("job %q failed without an error", tr.JobName)
		case !j.Success && (j.Figures.Mailboxes != 0 || j.Figures.BackedUp != 0):
			t.Errorf("job %q failed but carries counts %+v", tr.JobName, j.Figures)
		case !j.Success && want == allExact:
			t.Errorf("job %q failed although the fault is retried: %v", tr.JobName, j.Err)
		case j.Success && j.Err != nil:
			t.Errorf("job %q succeeded with an error: %v", tr.JobName, j.Err)
		case j.Success && (j.Figures.Mailboxes != tr.Mailboxes || j.Figures.BackedUp != tr.BackedUp || j.Figures.Unresolved != tr.Unresolved ||
			!j.Figures.OldestBackup.Equal(tr.OldestBackup)):
			t.Errorf("WRONG figures for job %q: %d mailboxes, %d backed up, %d unresolved, oldest %v; truth %d, %d, %d, %v",
				tr.JobName, j.Figures.Mailboxes, j.Figures.BackedUp, j.Figures.Unresolved, j.Figures.OldestBackup,
				tr.Mailboxes, tr.BackedUp, tr.Unresolved, tr.OldestBackup)
		}
		if j.Err != nil && strings.Contains(j.Err.Error(), "sim-password-1") {
			t.Errorf("job %q: the error shows the password", tr.JobName)
		}
	}
}
